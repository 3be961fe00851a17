// go-offline resolved every fork's classpath into the sample's own repository; the offline run then found them there.
def repo = new File(basedir, 'target/offline-repo')
assert new File(repo, 'org/apache/spark/spark-sql_2.12').isDirectory()
assert new File(repo, 'org/apache/kafka/kafka_2.13').isDirectory()
assert new File(repo, 'org/openjdk/jmh/jmh-core').isDirectory()

def log = new File(basedir, 'build.log').text
assert log.contains('Resolved the Spark job (run, evaluate): ')
assert log.contains('Resolved the embedded Kafka broker: ')
assert log.contains('Resolved the JMH benchmarks (benchmark): ')

def report = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/streamguard/anomaly_report.json'))
assert report.events_read == 1000
assert report.events_available == 2000
return true

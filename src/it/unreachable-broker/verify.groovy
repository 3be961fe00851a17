def log = new File(basedir, 'build.log').text
assert log.contains('Kafka broker at 127.0.0.1:9 did not answer within 3000 ms')
assert log.contains('Check streamguard.bootstrapServers')
assert log.contains('BUILD FAILURE')
// The secret from kafkaProperties reaches the job in a file; it is never printed.
assert !log.contains('s3cr3t-do-not-log')
assert !new File(basedir, 'target/streamguard/anomaly_report.json').exists()
assert !new File(basedir, 'target/streamguard-work/kafka-client.properties').exists()
return true

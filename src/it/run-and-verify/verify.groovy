// The build passed (so verify-report found no violation); check what a user would look at.
def out = new File(basedir, 'target/streamguard')
assert new File(out, 'anomaly_report.json').isFile()
assert new File(out, 'ground_truth.json').isFile()
assert new File(out, 'training_data/is_anomaly=1').isDirectory()
assert new File(out, 'quarantine').isDirectory()

def report = new groovy.json.JsonSlurper().parse(new File(out, 'anomaly_report.json'))
assert report.events_read == 10000
assert report.events_available == 50000
assert report.malformed_events == 0
assert report.offset_ranges.size() == 4
assert report.top_anomalies.size() == 10

def truth = new groovy.json.JsonSlurper().parse(new File(out, 'ground_truth.json'))
def planted = truth.anomalous_users*.user as Set
def top = report.top_anomalies*.user.take(planted.size())
assert top.count { planted.contains(it) } >= planted.size() - 1 : "planted ${planted} vs top ${top}"

def log = new File(basedir, 'build.log').text
assert log.contains('Embedded Kafka broker')
assert log.contains('Seeding') || log.contains('Seeded')
assert log.contains('Planted anomalous users in the top 10')
assert log.contains('is valid: schema, invariants, training data and thresholds hold')
return true

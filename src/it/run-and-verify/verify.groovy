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
assert report.schema_version == 2
assert report.top_anomalies.every { !it.reasons.isEmpty() && it.reasons.every { r -> r.text.contains('median') } }

// The page beside the report belongs to the same run; verify-report's result is there for CI, all checks passed.
def page = new File(out, 'anomaly_report.html').text
assert page.contains("<meta name=\"streamguard-run-id\" content=\"${report.run.run_id}\">")
def junit = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new File(out, 'verify-report.xml')).documentElement
assert junit.getAttribute('name') == 'streamguard.verify-report'
assert junit.getAttribute('failures') == '0' && junit.getAttribute('errors') == '0'
assert junit.getElementsByTagName('testcase').length == 15
assert junit.getElementsByTagName('failure').length == 0

def truth = new groovy.json.JsonSlurper().parse(new File(out, 'ground_truth.json'))
def planted = truth.anomalous_users*.user as Set
def top = report.top_anomalies*.user.take(planted.size())
assert top.count { planted.contains(it) } >= planted.size() - 1 : "planted ${planted} vs top ${top}"

// The dataset's evaluation went beside, not over, the run's (which the minAuroc gate passed on).
def run = new groovy.json.JsonSlurper().parse(new File(out, 'evaluation.json'))
assert run.run_id == report.run.run_id
def dataset = new groovy.json.JsonSlurper().parse(new File(out, 'evaluations/mammography/evaluation.json'))
assert dataset.source == 'dataset'
assert dataset.rows == 3355

def log = new File(basedir, 'build.log').text
// Default phases: run and evaluate in integration-test (in the POM's order), verify-report in verify.
def runAt = log.indexOf(':run (score-security-events)')
def evaluateAt = log.indexOf(':evaluate (evaluate-mammography)')
def gateAt = log.indexOf(':verify-report (gate-anomaly-report)')
assert runAt >= 0 && runAt < evaluateAt && evaluateAt < gateAt : "order: run ${runAt}, evaluate ${evaluateAt}, gate ${gateAt}"
// Synthetic data says so, as a warning, first thing in the summary.
assert log.contains('[WARNING] SYNTHETIC DATA: these results score 50,000 synthetic events')
assert log.contains('Embedded Kafka broker')
assert log.contains('Seeding') || log.contains('Seeded')
assert log.contains('Planted anomalous users in the top 10')
assert log.contains('is valid: schema, invariants, training data and thresholds hold')
return true

try {
    def (bootstrap, kind) = new File(basedir, 'broker.txt').readLines()
    def out = new File(basedir, 'target/streamguard')
    def report = new groovy.json.JsonSlurper().parse(new File(out, 'anomaly_report.json'))
    assert report.events_read == 5000
    assert report.events_available == 20000
    assert report.malformed_events == 0
    assert report.total_users == 50
    assert report.offset_ranges.size() == 3
    // 20,000 events round-robin over 3 partitions; the newest 5,000 are split as evenly as the partitions allow.
    assert report.offset_ranges.collect { [it.topic, it.partition, it.until] }.sort() ==
            [['security-events', 0, 6667], ['security-events', 1, 6667], ['security-events', 2, 6666]]
    assert report.offset_ranges.collect { it.until - it.from }.sort() == [1666, 1667, 1667]
    assert report.run.bootstrap_servers == bootstrap
    // The plugin read the given brokers: its embedded broker (the default) would have written its ground truth.
    assert !new File(out, 'ground_truth.json').exists()

    def log = new File(basedir, 'build.log').text
    assert log.contains('is valid: schema, invariants, training data and thresholds hold')
    println "[it] run-external-broker ran against the ${kind} Kafka broker at ${bootstrap}"
} finally {
    context.get('broker')?.close()
}
return true

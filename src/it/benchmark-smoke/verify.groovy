def dir = new File(basedir, 'target/streamguard/benchmarks')
def results = new groovy.json.JsonSlurper().parse(new File(dir, 'results.json'))
// The second run: the read benchmarks, compared with the first run's baseline.
def methods = results.collect { it.benchmark.tokenize('.').last() } as Set
assert methods == ['fullTopicReadThenLimit', 'boundedReadOldest', 'boundedReadNewest', 'consumerBoundedReadNewest'] as Set
// The first run: every benchmark but the whole-job ones, saved as the baseline.
def baseline = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/baseline.json'))
assert (baseline.collect { it.benchmark.tokenize('.').last() } as Set) == (methods + ['planNewest1000',
        'planOldestMillion', 'parseAndFeatures'])
def reads = results.findAll { it.params?.topicSize }
assert reads.every { it.params.topicSize == '20000' && it.params.maxEvents == '1000' }
assert reads.every { it.primaryMetric.scoreUnit == 'ms/op' && it.primaryMetric.score > 0 }
// The forks' options come from the goal (a heap for Spark first), the user's value last and whole, spaces included.
results.each {
    assert it.jvmArgs[0] == '-Xmx1024m'
    assert it.jvmArgs[-1] == '-Dstreamguard.bench.note=smoke run with spaces'
}

def status = new groovy.json.JsonSlurper().parse(new File(dir, 'status.json'))
assert status.complete == true && status.passed == true && status.failures.isEmpty()
assert status.expected == results.size()

def summary = new File(dir, 'summary.md').text
assert summary.contains('**Complete:** all ' + results.size() + ' expected benchmark runs produced a result.')
assert summary.contains('## Bounded vs full-topic read')
assert summary.contains('| 20000 | 1000 |')
assert summary =~ /\| minSpeedup \| boundedReadNewest \| 1000 \| .* \| [0-9.]+× \| ≥ 0.01× \| pass \|/
assert summary.contains('| maxFlatness | boundedReadNewest | 1000 |')
assert summary.contains('not measured: one topic size only')
assert summary.contains('## Against the baseline')
assert summary.contains('parseAndFeatures [ss] events=10000: in the baseline, not in this run')
def html = new File(dir, 'index.html').text
assert html.contains('<svg') && html.contains('boundedReadNewest, maxEvents=1000')
assert html.contains('Trends over the history (2 entries; the last point is this run)')

def history = new File(basedir, 'target/benchmark-history.jsonl').readLines().findAll { it.trim() }
assert history.size() == 2
def entries = history.collect { new groovy.json.JsonSlurper().parseText(it) }
entries.each { assert it.time && it.jvm && it.cores >= 1 }
assert entries[0].results.size() == baseline.size()
assert entries[1].results.size() == results.size()

def log = new File(basedir, 'build.log').text
assert log.contains('Seeded \'bench-20000\' with 20,000 synthetic events')
assert log.contains('[jmh] # Benchmark: io.streamguard.benchmarks.KafkaReadBenchmark.boundedReadNewest')
return true

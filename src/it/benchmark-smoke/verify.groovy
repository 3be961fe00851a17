def dir = new File(basedir, 'target/streamguard/benchmarks')
def results = new groovy.json.JsonSlurper().parse(new File(dir, 'results.json'))
def methods = results.collect { it.benchmark.tokenize('.').last() } as Set
assert methods.containsAll(['fullTopicReadThenLimit', 'boundedReadOldest', 'boundedReadNewest',
                            'consumerBoundedReadNewest', 'planNewest1000', 'planOldestMillion', 'parseAndFeatures'])
def reads = results.findAll { it.params?.topicSize }
assert reads.every { it.params.topicSize == '20000' && it.params.maxEvents == '1000' }
assert reads.every { it.primaryMetric.scoreUnit == 'ms/op' && it.primaryMetric.score > 0 }

def summary = new File(dir, 'summary.md').text
assert summary.contains('## Bounded vs full-topic read')
assert summary.contains('| 20000 | 1000 |')
assert new File(dir, 'index.html').text.contains('<svg')
assert new File(basedir, 'target/baseline.json').isFile()

def log = new File(basedir, 'build.log').text
assert log.contains('Seeded \'bench-20000\' with 20,000 synthetic events')
assert log.contains('[jmh] # Benchmark: io.streamguard.benchmarks.KafkaReadBenchmark.boundedReadNewest')
assert log.contains('Saved these results as the baseline')
return true

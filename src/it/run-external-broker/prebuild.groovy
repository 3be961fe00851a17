// The user's Kafka: the broker the integration tests would get (streamguard.it.broker), with 20,000 events in
// 'security-events'. Its address reaches the build as a user property, as a CI job would pass it.
def broker = io.streamguard.it.SampleBroker.start(basedir.name, 'security-events', 3, 20_000)
context.put('broker', broker)
def config = new File(basedir, '.mvn/maven.config')
config.parentFile.mkdirs()
config.text = "-Dstreamguard.bootstrapServers=${broker.bootstrapServers()}\n"
new File(basedir, 'broker.txt').text = "${broker.bootstrapServers()}\n${broker.kind()}\n"
return true

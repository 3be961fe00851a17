def secrets = ['env-s3cret-jaas', 'env-s3cret-spark', 'env-s3cret-jvm', 'file-s3cret-truststore', 'env-s3cret-dbpass',
               'env-s3cret-ldap']
def log = new File(basedir, 'build.log').text

// It really ran with -X, printed the effective POM and the mojo's parameters, and the job got every setting.
assert log.contains('[DEBUG]')
assert log.contains('<sasl.jaas.config>env:KAFKA_JAAS</sasl.jaas.config>')           // effective POM
assert log.contains('(f) kafkaProperties = ')                                         // -X parameter dump
assert log =~ /kafkaProperties=\[[^\]]*sasl\.jaas\.config[^\]]*ssl\.truststore\.password/  // the job's config: names only
assert log.contains('Kafka broker at 127.0.0.1:9 did not answer within 3000 ms')
assert log.contains('--secrets stdin --exit-with-parent true')                                              // the job's command line

secrets.each { s -> assert !log.contains(s) : "build.log shows the secret ${s}" }
// Nothing left on disk holds them either (the sample's own properties file aside: the user's secret store).
new File(basedir, 'target').eachFileRecurse { f ->
    if (f.isFile()) {
        def text = f.getText('ISO-8859-1')
        secrets.each { s -> assert !text.contains(s) : "${f} holds the secret ${s}" }
    }
}
return true

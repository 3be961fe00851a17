def e = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/streamguard/evaluations/mammography/evaluation.json'))
assert !new File(basedir, 'target/streamguard/evaluation.json').exists() : 'a dataset evaluation is no run evaluation'
assert e.source == 'dataset'
assert e.train_fraction == 0.7
assert e.rows == 3355
assert e.auroc >= 0.84 : "AUROC ${e.auroc}"
def log = new File(basedir, 'build.log').text
assert log.contains('AUROC 0.8')
assert log.contains('scored on the 30 % held out')
return true

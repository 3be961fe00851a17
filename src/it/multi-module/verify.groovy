// How many times each goal ran, and where: Maven prints "--- streamguard:<version>:<goal> (<execution>) @ <module> ---".
def log = new File(basedir, 'build.log').text
def ran = (log =~ /--- streamguard:[^:]+:([\w-]+) \(([\w-]+)\) @ ([\w-]+) ---/).collect { "${it[1]} (${it[2]}) @ ${it[3]}" }
assert ran.sort() == [
        // inherited (the default): the parent and each module
        'verify-report (gate-every-module) @ module-a',
        'verify-report (gate-every-module) @ module-b',
        'verify-report (gate-every-module) @ multi-module',
        // <inherited>false</inherited>: the parent only
        'run (score-once) @ multi-module',
        // from the command line: once, at the root, not once per module
        'run (default-cli) @ multi-module',
        'evaluate (default-cli) @ multi-module',
].sort() : "ran: ${ran}"
return true

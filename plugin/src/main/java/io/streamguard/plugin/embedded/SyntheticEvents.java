package io.streamguard.plugin.embedded;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Deterministic synthetic security events in the documented format, with ground truth.
 *
 * <p>Normal users have a home country, one or two stable source IPs, activity between 06:00 and 22:00 UTC, their
 * own event-type mix, few failures and low threat scores. A minority is made anomalous in one known way each
 * ({@link Behaviour}); about half of an anomalous user's events show the behaviour, the rest look normal. The same
 * configuration always produces the same events in the same order, streamed without holding them in memory.
 */
public final class SyntheticEvents {

    /** How a planted user misbehaves. */
    public enum Behaviour {
        BRUTE_FORCE, OFF_HOURS, EXFILTRATION, NEW_COUNTRIES, SUSPICIOUS_PROCESS;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** From an id such as {@code brute_force}. */
        public static Behaviour of(String id) {
            for (Behaviour b : values()) {
                if (b.id().equals(id.trim().toLowerCase(Locale.ROOT))) {
                    return b;
                }
            }
            throw new IllegalArgumentException("unknown behaviour '" + id + "'; known: "
                    + java.util.Arrays.stream(values()).map(Behaviour::id).toList());
        }
    }

    /**
     * @param events exactly this many events are generated
     * @param end the generated activity ends at this instant and spans {@code span} before it
     * @param anomalousShare share of users made anomalous (at least one user per planted behaviour)
     * @param behaviours the behaviours planted, in turn over the anomalous users
     */
    public record Config(long events, long seed, Instant end, Duration span, double anomalousShare,
                         List<Behaviour> behaviours) {

        public static final Instant DEFAULT_END = Instant.parse("2026-01-01T00:00:00Z");

        public Config {
            if (behaviours.isEmpty()) {
                throw new IllegalArgumentException("plant at least one behaviour");
            }
            if (!(anomalousShare > 0 && anomalousShare < 1)) {
                throw new IllegalArgumentException("anomalousShare must be in (0, 1), was " + anomalousShare);
            }
            behaviours = List.copyOf(behaviours);
        }

        /** Every behaviour. */
        public Config(long events, long seed, Instant end, Duration span, double anomalousShare) {
            this(events, seed, end, span, anomalousShare, List.of(Behaviour.values()));
        }

        public static Config defaults(long events) {
            return new Config(events, 42, DEFAULT_END, Duration.ofDays(7), 0.05);
        }
    }

    /** One event: the Kafka key (user), timestamp and JSON value. */
    public record Event(String user, long timestamp, String json) {
    }

    /** A generated user; {@code behaviour} is null for normal users. */
    public record User(String name, Behaviour behaviour, String country, String[] ips, double[] typeMix,
                       double weight) {
    }

    static final String[] TYPES = {"auth_attempt", "network_connection", "file_access", "process_execution",
        "dns_query"};
    private static final String[] COUNTRIES = {"US", "DE", "GB", "FR", "IN", "BR", "JP", "CA"};
    private static final String[] FOREIGN = {"RU", "CN", "KP", "IR", "NG", "VN", "RO", "UA", "BY", "PK", "ID", "TR",
        "EG", "MX", "AR", "ZA", "TH", "MY", "KZ", "VE"};
    private static final String[] PROCESSES = {"chrome.exe", "outlook.exe", "code", "bash", "python3", "java",
        "slack", "teams.exe", "excel.exe", "git"};
    private static final String[] SUSPICIOUS_PROCESSES = {"mimikatz.exe", "psexec.exe", "nc", "powershell.exe -enc",
        "procdump.exe", "rclone", "certutil.exe -urlcache", "wmic.exe"};
    private static final String[] DOMAINS = {"mail.corp.example", "wiki.corp.example", "github.com", "slack.com",
        "office.com", "google.com", "jira.corp.example", "pypi.org"};
    private static final String[] FILES = {"/home/%s/report.docx", "/srv/shared/q3.xlsx", "/home/%s/notes.md",
        "/srv/code/app/main.py", "/etc/hosts"};
    private static final int ACTIVE_START_HOUR = 6;
    private static final int ACTIVE_HOURS = 16;

    private final Config config;
    private final List<User> users;
    private final double[] cumulativeWeight;

    public SyntheticEvents(Config config) {
        if (config.events() < 0) {
            throw new IllegalArgumentException("events must be >= 0, was " + config.events());
        }
        this.config = config;
        Random random = new Random(config.seed());
        int userCount = (int) Math.max(20, Math.min(5_000, config.events() / 400));
        int anomalous = Math.max(config.behaviours().size(), (int) Math.round(userCount * config.anomalousShare()));
        // Which users are planted is random too, so names say nothing.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < userCount; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, random);
        Behaviour[] planted = new Behaviour[userCount];
        for (int k = 0; k < anomalous; k++) {
            planted[order.get(k)] = config.behaviours().get(k % config.behaviours().size());
        }
        users = new ArrayList<>(userCount);
        cumulativeWeight = new double[userCount];
        double total = 0;
        for (int i = 0; i < userCount; i++) {
            String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
            int prefix = 10 + random.nextInt(200);
            String[] ips = new String[1 + random.nextInt(2)];
            for (int j = 0; j < ips.length; j++) {
                ips[j] = prefix + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
            }
            double[] mix = {0.2, 0.35, 0.25, 0.1, 0.1};
            double sum = 0;
            for (int t = 0; t < mix.length; t++) {
                mix[t] *= 0.6 + 0.8 * random.nextDouble();
                sum += mix[t];
            }
            for (int t = 0; t < mix.length; t++) {
                mix[t] /= sum;
            }
            double weight = Math.exp(0.4 * random.nextGaussian());
            total += weight;
            cumulativeWeight[i] = total;
            users.add(new User(String.format("user-%04d", i + 1), planted[i], country, ips, mix, weight));
        }
    }

    public Config config() {
        return config;
    }

    public List<User> users() {
        return List.copyOf(users);
    }

    /** The planted users. */
    public List<User> anomalousUsers() {
        return users.stream().filter(u -> u.behaviour() != null).toList();
    }

    /** Which users were planted, and how, for {@code ground_truth.json}. */
    public io.streamguard.report.GroundTruth groundTruth() {
        return new io.streamguard.report.GroundTruth("streamguard-synthetic-v1", config.seed(), config.events(),
                users.size(), config.end().minus(config.span()).toString(), config.end().toString(),
                anomalousUsers().stream().map(u -> new io.streamguard.report.GroundTruth.PlantedUser(u.name(),
                        u.behaviour().id())).toList());
    }

    /** Generates every event in order. */
    public void forEach(Consumer<Event> sink) {
        Random random = new Random(config.seed() * 31 + 7);
        long n = config.events();
        long startMs = config.end().minus(config.span()).toEpochMilli();
        long days = Math.max(1, config.span().toDays());
        long activeMs = days * ACTIVE_HOURS * 3_600_000L;
        long emitted = 0;
        long step = 0;
        while (emitted < n) {
            // Time flows through the active hours of each day only.
            long active = n <= 1 ? 0 : (long) ((double) step++ / n * activeMs);
            long day = active / (ACTIVE_HOURS * 3_600_000L);
            long within = active % (ACTIVE_HOURS * 3_600_000L);
            long t = startMs + day * 86_400_000L + ACTIVE_START_HOUR * 3_600_000L + within;
            User user = pick(random);
            if (user.behaviour() != null && random.nextDouble() < 0.5) {
                emitted += anomalous(user, t, random, n - emitted, emitted, sink);
            } else {
                sink.accept(normal(user, t, random, emitted));
                emitted++;
            }
        }
    }

    private User pick(Random random) {
        double r = random.nextDouble() * cumulativeWeight[cumulativeWeight.length - 1];
        int lo = 0;
        int hi = cumulativeWeight.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulativeWeight[mid] < r) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return users.get(lo);
    }

    private Event normal(User u, long t, Random random, long index) {
        String type = TYPES[sample(u.typeMix(), random)];
        double failure = type.equals("auth_attempt") ? 0.05 : 0.02;
        double r = random.nextDouble();
        String status = r < failure ? "failed" : r < failure + 0.01 ? "blocked" : r < failure + 0.02 ? "pending"
                : "success";
        String ip = random.nextDouble() < 0.97 ? u.ips()[random.nextInt(u.ips().length)]
                : u.ips()[0].substring(0, u.ips()[0].lastIndexOf('.') + 1) + (1 + random.nextInt(254));
        double threat = 0.02 + 0.2 * Math.pow(random.nextDouble(), 2);
        long bytes = type.equals("network_connection") || type.equals("file_access")
                ? (long) Math.exp(9 + 1.2 * random.nextGaussian()) : random.nextInt(2_000);
        return event(index, u, t, type, ip, "10.0." + random.nextInt(4) + "." + (1 + random.nextInt(50)), status,
                threat, u.country(), bytes, PROCESSES[random.nextInt(PROCESSES.length)],
                DOMAINS[random.nextInt(DOMAINS.length)], random);
    }

    private long anomalous(User u, long t, Random random, long budget, long index, Consumer<Event> sink) {
        switch (u.behaviour()) {
            case BRUTE_FORCE -> {
                long burst = Math.min(budget, 8 + random.nextInt(13));
                String country = FOREIGN[random.nextInt(FOREIGN.length)];
                long ts = t;
                for (long k = 0; k < burst; k++) {
                    ts += 500 + random.nextInt(2_500);
                    sink.accept(event(index + k, u, ts, "auth_attempt", externalIp(random), "10.0.0.10",
                            random.nextDouble() < 0.9 ? "failed" : "blocked", 0.5 + 0.4 * random.nextDouble(),
                            country, random.nextInt(600), "sshd", "vpn.corp.example", random));
                }
                return burst;
            }
            case OFF_HOURS -> {
                long midnight = Math.floorDiv(t, 86_400_000L) * 86_400_000L;
                long ts = midnight + random.nextInt(6 * 3_600_000);
                String type = random.nextBoolean() ? "file_access" : "process_execution";
                sink.accept(event(index, u, ts, type, u.ips()[0], "10.0.9." + (1 + random.nextInt(20)),
                        "success", 0.3 + 0.3 * random.nextDouble(), u.country(),
                        (long) Math.exp(12 + random.nextGaussian()), PROCESSES[random.nextInt(PROCESSES.length)],
                        DOMAINS[random.nextInt(DOMAINS.length)], random));
                return 1;
            }
            case EXFILTRATION -> {
                long bytes = 50_000_000L + (long) (random.nextDouble() * 2_000_000_000L);
                sink.accept(event(index, u, t, "network_connection", u.ips()[0], externalIp(random), "success",
                        0.4 + 0.4 * random.nextDouble(), u.country(), bytes, "rclone",
                        "files-" + random.nextInt(1000) + ".transfer.example", random));
                return 1;
            }
            case NEW_COUNTRIES -> {
                sink.accept(event(index, u, t, "auth_attempt", externalIp(random), "10.0.0.10",
                        random.nextDouble() < 0.6 ? "success" : "failed", 0.3 + 0.4 * random.nextDouble(),
                        FOREIGN[random.nextInt(FOREIGN.length)], random.nextInt(800), "sshd", "vpn.corp.example",
                        random));
                return 1;
            }
            case SUSPICIOUS_PROCESS -> {
                boolean dns = random.nextDouble() < 0.4;
                sink.accept(event(index, u, t, dns ? "dns_query" : "process_execution", u.ips()[0],
                        externalIp(random), random.nextDouble() < 0.3 ? "blocked" : "success",
                        0.5 + 0.45 * random.nextDouble(), u.country(), random.nextInt(5_000),
                        SUSPICIOUS_PROCESSES[random.nextInt(SUSPICIOUS_PROCESSES.length)], dgaDomain(random), random));
                return 1;
            }
            default -> throw new IllegalStateException("unknown behaviour " + u.behaviour());
        }
    }

    private Event event(long index, User u, long t, String type, String sourceIp, String destinationIp,
                        String status, double threat, String country, long bytes, String process, String domain,
                        Random random) {
        StringBuilder sb = new StringBuilder(320);
        sb.append("{\"event_id\":\"evt-").append(Long.toHexString(config.seed())).append('-').append(index)
                .append("\",\"timestamp\":").append(t)
                .append(",\"event_type\":\"").append(type)
                .append("\",\"user\":\"").append(u.name())
                .append("\",\"source_ip\":\"").append(sourceIp)
                .append("\",\"destination_ip\":\"").append(destinationIp)
                .append("\",\"status\":\"").append(status)
                .append("\",\"threat_score\":").append(String.format(Locale.ROOT, "%.4f", threat))
                .append(",\"metadata\":{\"geo_location\":\"").append(country)
                .append("\",\"hostname\":\"ws-").append(u.name().substring(5))
                .append("\",\"user_agent\":\"StreamGuardSynth/1.0\",\"port\":").append(port(type))
                .append(",\"protocol\":\"").append(type.equals("dns_query") ? "udp" : "tcp")
                .append("\",\"file_path\":\"").append(String.format(FILES[random.nextInt(FILES.length)], u.name()))
                .append("\",\"process_name\":\"").append(process)
                .append("\",\"domain\":\"").append(domain)
                .append("\",\"bytes_transferred\":").append(bytes).append('}');
        switch (type) {
            case "auth_attempt" -> sb.append(",\"auth_details\":{\"method\":\"")
                    .append(random.nextBoolean() ? "password" : "sso").append("\",\"mfa\":")
                    .append(random.nextBoolean()).append('}');
            case "network_connection" -> sb.append(",\"network_details\":{\"direction\":\"outbound\"}");
            case "file_access" -> sb.append(",\"file_details\":{\"operation\":\"")
                    .append(random.nextBoolean() ? "read" : "write").append("\"}");
            case "process_execution" -> sb.append(",\"process_details\":{\"pid\":")
                    .append(100 + random.nextInt(60_000)).append('}');
            default -> sb.append(",\"dns_details\":{\"record_type\":\"A\"}");
        }
        sb.append('}');
        return new Event(u.name(), t, sb.toString());
    }

    private static int port(String type) {
        return switch (type) {
            case "auth_attempt" -> 22;
            case "dns_query" -> 53;
            case "file_access" -> 445;
            default -> 443;
        };
    }

    private static int sample(double[] mix, Random random) {
        double r = random.nextDouble();
        for (int i = 0; i < mix.length - 1; i++) {
            r -= mix[i];
            if (r < 0) {
                return i;
            }
        }
        return mix.length - 1;
    }

    private static String externalIp(Random random) {
        return (1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                + (1 + random.nextInt(254));
    }

    private static String dgaDomain(Random random) {
        StringBuilder sb = new StringBuilder();
        int length = 10 + random.nextInt(8);
        for (int i = 0; i < length; i++) {
            sb.append((char) ('a' + random.nextInt(26)));
        }
        return sb.append(".xyz").toString();
    }
}

package io.streamguard.it;

import io.streamguard.plugin.embedded.SyntheticEvents;
import java.util.List;
import java.util.Map;

/**
 * The broker of an invoker sample that points the plugin at "its own" Kafka: started by the sample's pre-build hook
 * (in Maven's JVM, on the it module's test classpath), with the broker {@link KafkaBrokerExtension} chooses.
 */
public final class SampleBroker {

    private SampleBroker() {
    }

    /** A broker whose {@code topic} holds {@code events} synthetic events, round-robin over its partitions. */
    public static TestBroker start(String name, String topic, int partitions, int events) {
        TestBroker broker = KafkaBrokerExtension.start("sample-" + name);
        System.out.println("[it] sample " + name + " runs against the " + broker.kind() + " Kafka broker at "
                + broker.bootstrapServers() + " (" + KafkaBrokerExtension.choice().reason() + ")");
        // Maven's JVM may end without the post-build hook (a failed build): the broker must not outlive it.
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        broker.createTopic(topic, partitions, Map.of());
        List<SyntheticEvents.Event> list = Events.sorted(events, 3);
        Events.produce(broker.bootstrapServers(), Map.of("linger.ms", 20), p -> {
            for (int i = 0; i < list.size(); i++) {
                p.send(Events.record(topic, i % partitions, list.get(i)));
            }
        });
        return broker;
    }
}

package io.streamguard.pipeline.evaluate;

import io.streamguard.report.Evaluation;
import io.streamguard.report.GroundTruth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Builds {@link Evaluation}s from scores and labels. Plain Java: the caller collects the scores. */
public final class Evaluations {

    private Evaluations() {
    }

    /** Scores of users against the users a generator planted; each behaviour is also ranked against normal users. */
    public static Evaluation ofGroundTruth(List<String> users, double[] scores, GroundTruth truth, double threshold,
                                           int topK, Map<String, Object> parameters) {
        Map<String, String> planted = new TreeMap<>();
        truth.anomalousUsers().forEach(p -> planted.put(p.user(), p.behaviour()));
        int[] labels = new int[users.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = planted.containsKey(users.get(i)) ? 1 : 0;
        }
        Metrics.Result all = Metrics.compute(scores, labels, threshold, topK);
        Map<String, Evaluation.BehaviourScore> byBehaviour = new LinkedHashMap<>();
        for (String behaviour : new TreeSet<>(planted.values())) {
            // This behaviour's users against normal users; the other planted users are left out.
            int n = 0;
            for (String user : users) {
                if (!planted.containsKey(user) || planted.get(user).equals(behaviour)) {
                    n++;
                }
            }
            double[] s = new double[n];
            int[] l = new int[n];
            int j = 0;
            long count = 0;
            for (int i = 0; i < users.size(); i++) {
                String b = planted.get(users.get(i));
                if (b == null || b.equals(behaviour)) {
                    s[j] = scores[i];
                    l[j] = b == null ? 0 : 1;
                    count += l[j];
                    j++;
                }
            }
            byBehaviour.put(behaviour, new Evaluation.BehaviourScore(count,
                    Evaluation.defined(Metrics.compute(s, l, threshold, 0).auroc())));
        }
        return of("ground_truth", null, null, all, parameters, byBehaviour);
    }

    public static Evaluation of(String source, String dataset, Double trainFraction, Metrics.Result m,
                                Map<String, Object> parameters, Map<String, Evaluation.BehaviourScore> byBehaviour) {
        return new Evaluation(source, dataset, trainFraction, m.rows(), m.anomalies(), Evaluation.defined(m.auroc()),
                Evaluation.defined(m.auprc()), Evaluation.defined(m.threshold()),
                Evaluation.defined(m.precisionAtThreshold()), Evaluation.defined(m.recallAtThreshold()), m.k(),
                Evaluation.defined(m.precisionAtK()), Evaluation.defined(m.recallAtK()), parameters, byBehaviour,
                null);
    }
}

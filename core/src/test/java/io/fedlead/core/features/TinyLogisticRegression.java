package io.fedlead.core.features;

/** Plain logistic regression by mini-batch-free SGD, just enough to check what the encoded features can reach. */
final class TinyLogisticRegression {
    final double[] w;
    double b;

    private TinyLogisticRegression(int width) {
        w = new double[width];
    }

    static TinyLogisticRegression fit(EncodedLeads data, int epochs, double learningRate, double l2) {
        TinyLogisticRegression m = new TinyLogisticRegression(data.width());
        float[] x = data.features();
        int d = data.width();
        for (int epoch = 0; epoch < epochs; epoch++) {
            double lr = learningRate / (1 + epoch * 0.2);
            for (int i = 0; i < data.rows(); i++) {
                double g = m.score(x, i * d, d) - data.labels()[i];
                for (int j = 0; j < d; j++) {
                    m.w[j] -= lr * (g * x[i * d + j] + l2 * m.w[j]);
                }
                m.b -= lr * g;
            }
        }
        return m;
    }

    double score(float[] x, int offset, int width) {
        double z = b;
        for (int j = 0; j < width; j++) {
            z += w[j] * x[offset + j];
        }
        return 1 / (1 + Math.exp(-z));
    }

    double auc(EncodedLeads data) {
        double[] s = new double[data.rows()];
        for (int i = 0; i < data.rows(); i++) {
            s[i] = score(data.features(), i * data.width(), data.width());
        }
        return SyntheticLeadGenerator.aucOf(s, data.labels());
    }
}

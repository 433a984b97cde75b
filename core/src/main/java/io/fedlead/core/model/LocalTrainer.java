package io.fedlead.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Trains a network on one party's local rows for one round: a few epochs of minibatch updates with the
 * network's own updater (SGD or Adam, from the {@link ModelSpec}) at the round's learning rate.
 *
 * <p>Each DL4J {@code fit()} call has a fixed cost of a few milliseconds whatever its size, so the trainer
 * does all per-row work in plain Java arrays and hands DL4J ready-made minibatches: each epoch it permutes
 * the rows into one reusable buffer, copies that to a single off-heap array and fits row-range views of it.
 */
public final class LocalTrainer {
    private final RandomGenerator rng;

    /** @param rng source of the row and batch shuffles (and of the dropout masks' seed); seed it for reproducible rounds */
    public LocalTrainer(RandomGenerator rng) {
        this.rng = Objects.requireNonNull(rng, "rng");
    }

    /**
     * What one round of local training did.
     *
     * @param meanLoss mean training loss over the last epoch (batch scores from {@code net.score()}, which include
     *                 the L2 penalty, weighted by batch size)
     * @param examples examples processed, rows x epochs
     * @param epochs   epochs run
     * @param batches  {@code fit()} calls made, over all epochs
     * @param seconds  wall time of the training loop
     */
    public record TrainingResult(double meanLoss, long examples, int epochs, int batches, double seconds) {
        public TrainingResult {
            if (examples < 0 || epochs < 0 || batches < 0 || !(seconds >= 0)) {
                throw new IllegalArgumentException("training counts must be non-negative: examples " + examples
                        + ", epochs " + epochs + ", batches " + batches + ", seconds " + seconds);
            }
        }

        /** Training throughput. */
        public double examplesPerSecond() {
            return seconds > 0 ? examples / seconds : Double.POSITIVE_INFINITY;
        }
    }

    /**
     * Trains {@code net} in place.
     *
     * @param features     row-major {@code rows x width} values, already encoded
     * @param labels       one 0/1 label per row (unlabeled rows must be filtered out first)
     * @param batchSize    rows per minibatch; 0 or anything >= rows means one full batch
     * @param learningRate this round's learning rate, set on the network's updater
     */
    public TrainingResult train(MultiLayerNetwork net, float[] features, int rows, int width, float[] labels,
                                int epochs, int batchSize, double learningRate) {
        Objects.requireNonNull(net, "net");
        checkData(net, features, rows, width, labels);
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("batch size must be >= 0 (0 = full batch), got " + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + learningRate);
        }
        int batch = batchSize == 0 || batchSize > rows ? rows : batchSize;
        int batchCount = (rows + batch - 1) / batch;

        long start = System.nanoTime();
        net.setLearningRate(learningRate);
        // Dropout masks come from ND4J's (thread-local) generator; seeding it from ours makes a round reproducible.
        Nd4j.getRandom().setSeed(rng.nextLong());

        int[] order = identity(rows);
        int[] batchOrder = identity(batchCount);
        float[] featureBuffer = new float[features.length];
        float[] labelBuffer = new float[rows];
        double lastEpochLoss = 0;
        int fits = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            shuffle(order);
            shuffle(batchOrder);
            for (int i = 0; i < rows; i++) {
                System.arraycopy(features, order[i] * width, featureBuffer, i * width, width);
                labelBuffer[i] = labels[order[i]];
            }
            INDArray x = Nd4j.create(featureBuffer, new long[] {rows, width}, DataType.FLOAT);
            INDArray y = Nd4j.create(labelBuffer, new long[] {rows, 1}, DataType.FLOAT);
            List<DataSet> batches = new ArrayList<>(batchCount);
            for (int b = 0; b < batchCount; b++) {
                int from = b * batch;
                int to = Math.min(rows, from + batch);
                batches.add(batch == rows ? new DataSet(x, y)
                        : new DataSet(x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()),
                                      y.get(NDArrayIndex.interval(from, to), NDArrayIndex.all())));
            }
            double lossSum = 0;
            for (int b : batchOrder) {
                DataSet ds = batches.get(b);
                net.fit(ds);
                fits++;
                lossSum += net.score() * ds.numExamples();
            }
            lastEpochLoss = lossSum / rows;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new TrainingResult(lastEpochLoss, (long) rows * epochs, epochs, fits, seconds);
    }

    /** Checks the shape and content of a labeled data set against a network, naming the first bad value. */
    static void checkData(MultiLayerNetwork net, float[] features, int rows, int width, float[] labels) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (rows <= 0) {
            throw new IllegalArgumentException("need at least one row, got " + rows);
        }
        int expectedWidth = NetworkWeights.inputWidth(net);
        if (width != expectedWidth) {
            throw new IllegalArgumentException("rows have width " + width + " but the network expects " + expectedWidth + " inputs");
        }
        if ((long) rows * width != features.length) {
            throw new IllegalArgumentException("features has " + features.length + " values, expected rows x width = "
                    + rows + " x " + width);
        }
        if (labels.length != rows) {
            throw new IllegalArgumentException("labels has " + labels.length + " values for " + rows + " rows");
        }
        for (int i = 0; i < rows; i++) {
            if (labels[i] != 0f && labels[i] != 1f) {
                throw new IllegalArgumentException("row " + i + ": label is " + labels[i]
                        + ", expected 0 or 1 (filter unlabeled rows out before training)");
            }
        }
        for (int i = 0; i < features.length; i++) {
            if (!Float.isFinite(features[i])) {
                throw new IllegalArgumentException("row " + i / width + ", column " + i % width + ": feature is "
                        + features[i] + ", expected a finite number");
            }
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    // Fisher-Yates with the injected generator (Collections.shuffle would need a java.util.Random).
    private void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

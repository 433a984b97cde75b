package io.fedlead.client.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scores encoded leads with a trained one-output sigmoid network: probability, rank, grade A-D by rank
 * quartile, and per-lead explanations in log-odds.
 *
 * <p>An explanation entry is the change in log-odds when that input slot is replaced by its baseline 0 (the
 * training mean of a standardised number; "not this category" for a one-hot slot). For logistic regression this
 * is exactly {@code w_j * x_j}, computed from the weights. For an MLP it is computed by occlusion, a forward pass
 * over the rows with each input slot zeroed in turn (stacked into few passes); it is exact for the model (no
 * gradient approximation) but, unlike the logistic case, effects of different slots need not add up to the total
 * log-odds.
 */
public final class LeadScorer {
    /** Slots listed per direction (up and down) in {@link ScoredLead#topReasons()}. */
    public static final int REASONS_PER_DIRECTION = 3;

    /** Rows per forward pass, to bound memory on large files. */
    static final int CHUNK_ROWS = 4096;

    private final MultiLayerNetwork net;
    private final List<String> featureNames;
    private final int width;
    private final int layers;
    // Output layer parameters: log-odds = h . outW + outB, with h the last hidden activation (or the input).
    private final double[] outW;
    private final double outB;

    /** @param featureNames one name per input slot, in the encoder's order */
    public LeadScorer(MultiLayerNetwork net, List<String> featureNames) {
        this.net = Objects.requireNonNull(net, "net");
        this.featureNames = List.copyOf(featureNames);
        this.width = net.layerInputSize(0);
        if (this.featureNames.size() != width) {
            throw new IllegalArgumentException(this.featureNames.size() + " feature names given but the network has "
                    + width + " inputs");
        }
        this.layers = net.getnLayers();
        String last = layers - 1 + "_";
        INDArray w = net.paramTable().get(last + "W");
        INDArray b = net.paramTable().get(last + "b");
        if (w == null || b == null || w.columns() != 1 || b.length() != 1) {
            throw new IllegalArgumentException("expected a network ending in one sigmoid output unit, got output parameters "
                    + (w == null ? "none" : Arrays.toString(w.shape())));
        }
        this.outW = toDoubles(w.castTo(DataType.FLOAT).toFloatVector());
        this.outB = b.getDouble(0);
    }

    /**
     * Scores rows together: ranks and grades are relative to the rows in this call.
     *
     * @param features row-major {@code rows x width} encoded values
     * @param ids      one id per row, kept on the result
     */
    public List<ScoredLead> score(float[] features, int rows, int width, List<String> ids) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(ids, "ids");
        if (width != this.width) {
            throw new IllegalArgumentException("rows have width " + width + " but the network expects " + this.width + " inputs");
        }
        if (rows < 0 || (long) rows * width != features.length) {
            throw new IllegalArgumentException("features has " + features.length + " values, expected rows x width = "
                    + rows + " x " + width);
        }
        if (ids.size() != rows) {
            throw new IllegalArgumentException(ids.size() + " ids given for " + rows + " rows");
        }
        double[] logOdds = new double[rows];
        List<List<Contribution>> reasons = new ArrayList<>(rows);
        for (int from = 0; from < rows; from += CHUNK_ROWS) {
            int to = Math.min(rows, from + CHUNK_ROWS);
            float[] chunk = Arrays.copyOfRange(features, from * width, to * width);
            double[] z = logOdds(chunk, to - from);
            System.arraycopy(z, 0, logOdds, from, z.length);
            reasons.addAll(explain(chunk, to - from, z));
        }
        int[] rank = ranks(logOdds);
        List<ScoredLead> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            double p = 1 / (1 + Math.exp(-logOdds[i]));
            out.add(new ScoredLead(ids.get(i), p, rank[i], grade(rank[i], rows), reasons.get(i)));
        }
        return out;
    }

    /** Grade of a rank among n: top quarter A, then B, C, D (rank 1 of 100 to 25 is A, 26 to 50 B, ...). */
    static char grade(int rank, int n) {
        return (char) ('A' + (int) ((rank - 1L) * 4 / n));
    }

    // Ranks 1..n by descending log-odds; ties go to the earlier row so ranks are distinct and deterministic.
    private static int[] ranks(double[] logOdds) {
        Integer[] order = new Integer[logOdds.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(logOdds[b], logOdds[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] rank = new int[logOdds.length];
        for (int r = 0; r < order.length; r++) {
            rank[order[r]] = r + 1;
        }
        return rank;
    }

    // Log-odds computed from the last hidden layer and the output weights rather than logit(output): the sigmoid
    // output is float32 and saturates, which would make both probabilities near 1 and their differences imprecise.
    private double[] logOdds(float[] chunk, int n) {
        float[] h = layers == 1 ? chunk : lastHidden(chunk, n);
        int stride = outW.length;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            double s = outB;
            for (int k = 0; k < stride; k++) {
                s += outW[k] * h[i * stride + k];
            }
            z[i] = s;
        }
        return z;
    }

    // The last hidden layer's activations, row-major. One bulk copy out of ND4J: INDArray.toFloatMatrix() reads
    // element by element and cost about 50 times the forward pass itself ([100, 8]: 4 ms against 0.08 ms), which
    // made MLP explanations (one pass per input slot) take seconds.
    private float[] lastHidden(float[] chunk, int n) {
        INDArray x = Nd4j.create(chunk, new long[] {n, width}, DataType.FLOAT);
        List<INDArray> acts = net.feedForwardToLayer(layers - 2, x, false);
        float[] h = acts.get(acts.size() - 1).castTo(DataType.FLOAT).dup('c').data().asFloat();
        if (h.length != n * outW.length) {
            throw new IllegalStateException("last hidden layer has " + h.length + " values, expected " + n + " x "
                    + outW.length);
        }
        return h;
    }

    private List<List<Contribution>> explain(float[] chunk, int n, double[] z) {
        double[][] effect = new double[n][width];
        if (layers == 1) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < width; j++) {
                    effect[i][j] = outW[j] * chunk[i * width + j];
                }
            }
        } else {
            // A slot already at its baseline in every row has no effect: no pass for it.
            int[] active = java.util.stream.IntStream.range(0, width).filter(j -> {
                for (int i = 0; i < n; i++) {
                    if (chunk[i * width + j] != 0f) {
                        return true;
                    }
                }
                return false;
            }).toArray();
            // The occluded copies of the rows, one block per slot, are stacked into as few forward passes as
            // CHUNK_ROWS allows: a pass costs about as much for 1 row as for a few thousand, and one lead alone
            // would otherwise pay one pass per slot.
            int slotsPerPass = Math.max(1, CHUNK_ROWS / n);
            for (int from = 0; from < active.length; from += slotsPerPass) {
                int m = Math.min(slotsPerPass, active.length - from);
                float[] stacked = new float[m * n * width];
                for (int q = 0; q < m; q++) {
                    int base = q * n * width;
                    System.arraycopy(chunk, 0, stacked, base, n * width);
                    for (int i = 0; i < n; i++) {
                        stacked[base + i * width + active[from + q]] = 0f;
                    }
                }
                double[] zs = logOdds(stacked, m * n);
                for (int q = 0; q < m; q++) {
                    int j = active[from + q];
                    for (int i = 0; i < n; i++) {
                        effect[i][j] = z[i] - zs[q * n + i];
                    }
                }
            }
        }
        List<List<Contribution>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(topReasons(effect[i]));
        }
        return out;
    }

    private List<Contribution> topReasons(double[] effect) {
        Integer[] order = new Integer[effect.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
        }
        // Largest effect first; equal effects keep slot order so output is deterministic.
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(effect[b], effect[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        List<Contribution> reasons = new ArrayList<>(2 * REASONS_PER_DIRECTION);
        for (int k = 0; k < REASONS_PER_DIRECTION && k < order.length && effect[order[k]] > 0; k++) {
            reasons.add(new Contribution(featureNames.get(order[k]), effect[order[k]]));
        }
        for (int k = 0; k < REASONS_PER_DIRECTION && k < order.length && effect[order[order.length - 1 - k]] < 0; k++) {
            int j = order[order.length - 1 - k];
            reasons.add(new Contribution(featureNames.get(j), effect[j]));
        }
        return reasons;
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}

package dev.lightspeed.models.report;

import java.util.ArrayList;
import java.util.List;

/** Correct and total top-1 predictions per class, added one image at a time while a labelled split is scored. */
public final class ClassTally {

    private final int[] correct;
    private final int[] total;

    public ClassTally(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("a tally needs at least one class, got " + classes);
        }
        correct = new int[classes];
        total = new int[classes];
    }

    /** Counts one image of class {@code label} that the model gave class {@code predicted}. */
    public void add(int label, int predicted) {
        if (label < 0 || label >= total.length) {
            throw new IllegalArgumentException("label " + label + " is outside the " + total.length + " classes");
        }
        total[label]++;
        if (predicted == label) {
            correct[label]++;
        }
    }

    /** Images counted so far. */
    public int images() {
        int sum = 0;
        for (int t : total) {
            sum += t;
        }
        return sum;
    }

    /** Images whose prediction was their label. */
    public int correct() {
        int sum = 0;
        for (int c : correct) {
            sum += c;
        }
        return sum;
    }

    /** Accuracy of each class, in label order, under {@code names} (one per class). */
    public List<ClassAccuracy> perClass(List<String> names) {
        if (names.size() != total.length) {
            throw new IllegalArgumentException(names.size() + " names for " + total.length + " classes");
        }
        List<ClassAccuracy> result = new ArrayList<>();
        for (int c = 0; c < total.length; c++) {
            result.add(new ClassAccuracy(names.get(c), correct[c], total[c]));
        }
        return result;
    }
}

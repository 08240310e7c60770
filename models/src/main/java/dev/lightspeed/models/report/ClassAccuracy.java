package dev.lightspeed.models.report;

/** Top-1 accuracy on the test images of one class. */
public record ClassAccuracy(String name, int correct, int total) {

    /** Fraction correct; NaN when the split holds no image of this class. */
    public double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }
}

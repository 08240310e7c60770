package dev.lightspeed.export;

/**
 * The error function to double precision, which {@link Math} lacks: the Maclaurin series where it converges
 * without cancellation trouble, the continued fraction of erfc beyond.
 */
final class Erf {

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double SERIES_LIMIT = 2.5;

    private Erf() {
    }

    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double a = Math.abs(x);
        double value = a < SERIES_LIMIT ? series(a) : 1 - complementFraction(a);
        return Math.copySign(value, x);
    }

    /** erf(x) = 2/√π · Σ (-1)^n x^(2n+1) / (n! (2n+1)). */
    private static double series(double x) {
        double term = x;
        double sum = x;
        double squared = x * x;
        for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
            term *= -squared / n;
            sum += term / (2 * n + 1);
        }
        return TWO_OVER_SQRT_PI * sum;
    }

    /** erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated from the tail. */
    private static double complementFraction(double x) {
        double tail = x;
        for (int k = 120; k >= 1; k--) {
            tail = x + (k / 2.0) / tail;
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / tail;
    }
}

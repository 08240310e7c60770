package dev.lightspeed.study;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Recipe;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One hyperparameter of a sweep and the values it takes, in order, as text (the form {@link Recipe#with} takes).
 * Written {@code name=v1,v2,...} or as a range {@code name=FROM:TO:xFACTOR} (geometric) or {@code name=FROM:TO:+STEP}
 * (arithmetic), both including TO when a step lands on it.
 *
 * <p>An ablation study is one axis too ({@link #ablation}): its name is {@value #ABLATION}, its first value
 * {@value #FULL_RECIPE} (the base recipe unchanged) and each other value one assignment {@code name=value} that
 * removes a trick from the base recipe, applied alone.
 */
public record Axis(String name, List<String> values) {

    /** The name of an ablation study's axis; no hyperparameter has it, so a grid axis cannot take it. */
    public static final String ABLATION = "ablation";
    /** The ablation axis's first value: the base recipe with nothing removed. */
    public static final String FULL_RECIPE = "none";

    /** Ranges longer than this are a typo far more often than a study. */
    static final int MAX_RANGE_VALUES = 1000;

    @JsonCreator
    public Axis(@JsonProperty("name") String name, @JsonProperty("values") List<String> values) {
        this.name = name;
        this.values = List.copyOf(values);
    }

    /** Parses one {@code --grid} argument; the name must be a hyperparameter the recipe can override. */
    public static Axis parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw InputError.in("grid", "grid expects NAME=VALUES (e.g. batch-size=500,1000 or lr-scale=0.25:4:x2),"
                    + " got '" + text + "'");
        }
        String name = text.substring(0, eq).trim();
        if (!Recipe.overridableNames().contains(name)) {
            throw InputError.in("grid", "grid " + name + ": unknown hyperparameter; known: "
                    + String.join(", ", Recipe.overridableNames()));
        }
        String spec = text.substring(eq + 1).trim();
        if (spec.isEmpty()) {
            throw InputError.in("grid", "grid " + name + " has no values; list them (" + name + "=1,2) or give a"
                    + " range (" + name + "=1:8:x2)");
        }
        List<String> values = spec.contains(":") ? range(name, spec) : list(name, spec);
        Set<String> seen = new LinkedHashSet<>();
        for (String value : values) {
            if (!seen.add(value)) {
                throw InputError.in("grid", "grid " + name + " lists " + value + " twice; list each value once");
            }
        }
        return new Axis(name, values);
    }

    /**
     * The axis of an ablation study: {@value #FULL_RECIPE} first, then each {@code name=value} assignment (or
     * several joined by {@code +}, see {@link #assignments}) in the order given, each a hyperparameter the recipe can override ({@link Recipe#with}). Whether a value suits the
     * recipe, and whether it changes it at all, is checked when the sweep is planned ({@link SweepSpec#plan}).
     */
    public static Axis ablation(List<String> assignments) {
        if (assignments.isEmpty()) {
            throw InputError.in("ablate", "ablate needs at least one NAME=VALUE (e.g. whitening=off)");
        }
        List<String> values = new ArrayList<>(List.of(FULL_RECIPE));
        for (String assignment : assignments) {
            List<String> parts = new ArrayList<>();
            for (String[] pair : assignments(assignment)) {
                String name = pair[0];
                if (!Recipe.overridableNames().contains(name)) {
                    throw InputError.in("ablate", "ablate " + name + ": unknown hyperparameter; known: "
                            + String.join(", ", Recipe.overridableNames()));
                }
                if (pair[1].isEmpty()) {
                    throw InputError.in("ablate", "ablate " + name + "= has no value; give the value without the"
                            + " trick (" + name + "=VALUE)");
                }
                parts.add(name + "=" + pair[1]);
            }
            String ablation = String.join("+", parts);
            if (values.contains(ablation)) {
                throw InputError.in("ablate", "ablate " + ablation + " is given twice; give each ablation once");
            }
            values.add(ablation);
        }
        return new Axis(ABLATION, values);
    }

    /**
     * The assignments of one ablation, {@code name=value} or several joined by {@code +} (one trick may need two
     * fields: {@code filter-optimizer=sgd+filter-lr=0.0015}), as name and value pairs. A {@code +} starts a new
     * assignment only where a name and {@code =} follow it, so values such as {@code 1e+3} stay whole.
     */
    static List<String[]> assignments(String ablation) {
        List<String[]> pairs = new ArrayList<>();
        for (String part : ablation.split("\\+(?=\\s*[a-z][a-z0-9-]*\\s*=)")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw InputError.in("ablate", "ablate expects NAME=VALUE (e.g. whitening=off or label-smoothing=0),"
                        + " got '" + ablation + "'");
            }
            pairs.add(new String[] {part.substring(0, eq).trim(), part.substring(eq + 1).trim()});
        }
        return pairs;
    }

    /** True for the axis of an ablation study ({@link #ablation}). */
    public boolean ablates() {
        return ABLATION.equals(name);
    }

    private static List<String> list(String name, String spec) {
        List<String> values = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            String value = part.trim();
            if (value.isEmpty()) {
                throw InputError.in("grid", "grid " + name + "=" + spec + " has an empty value; separate values with"
                        + " single commas");
            }
            values.add(value);
        }
        return values;
    }

    private static List<String> range(String name, String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length != 3 || parts[2].length() < 2 || (parts[2].charAt(0) != 'x' && parts[2].charAt(0) != '+')) {
            throw InputError.in("grid", "grid " + name + "=" + spec + " is not a range; write FROM:TO:xFACTOR"
                    + " (e.g. 0.25:4:x2) or FROM:TO:+STEP (e.g. 2:8:+2)");
        }
        BigDecimal from = number(name, spec, parts[0]);
        BigDecimal to = number(name, spec, parts[1]);
        boolean geometric = parts[2].charAt(0) == 'x';
        BigDecimal step = number(name, spec, parts[2].substring(1));
        if (geometric ? from.signum() <= 0 || step.compareTo(BigDecimal.ONE) <= 0 : step.signum() <= 0) {
            throw InputError.in("grid", "grid " + name + "=" + spec + ": " + (geometric
                    ? "a geometric range needs FROM > 0 and a factor > 1" : "an arithmetic range needs a step > 0"));
        }
        if (from.compareTo(to) > 0) {
            throw InputError.in("grid", "grid " + name + "=" + spec + " runs from " + from.toPlainString() + " down to "
                    + to.toPlainString() + "; give FROM ≤ TO");
        }
        List<String> values = new ArrayList<>();
        // Exact decimal arithmetic, so 0.1:0.5:+0.1 ends at 0.5 rather than missing it by a rounding error.
        for (BigDecimal v = from; v.compareTo(to) <= 0; v = geometric ? v.multiply(step) : v.add(step)) {
            if (values.size() == MAX_RANGE_VALUES) {
                throw InputError.in("grid", "grid " + name + "=" + spec + " has more than " + MAX_RANGE_VALUES
                        + " values; use a larger step");
            }
            values.add(v.round(MathContext.DECIMAL64).stripTrailingZeros().toPlainString());
        }
        return values;
    }

    private static BigDecimal number(String name, String spec, String text) {
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw InputError.in("grid", "grid " + name + "=" + spec + ": '" + text + "' is not a number");
        }
    }

    @Override
    public String toString() {
        return name + "=" + String.join(",", values);
    }
}

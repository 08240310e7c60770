package dev.lightspeed.train;

import dev.lightspeed.models.InputError;

/**
 * The steps of a run that a trace covers, counted from 1 over the whole run (epoch after epoch), both ends
 * included. A trace of a few steps stays small enough to open.
 */
public record ProfileSteps(int first, int last) {

    /** Past the first steps, whose one-time costs (allocation, kernel selection) would crowd the picture. */
    public static final ProfileSteps DEFAULT = new ProfileSteps(10, 20);

    public ProfileSteps {
        if (first < 1 || last < first) {
            throw new IllegalArgumentException("steps " + first + "-" + last);
        }
    }

    /**
     * Reads {@code FIRST-LAST}, such as {@code 20-30}.
     *
     * @throws InputError when the text is not two step numbers from 1 up, the first not after the last
     */
    public static ProfileSteps parse(String text) {
        String[] parts = text.trim().split("-", -1);
        try {
            if (parts.length == 2) {
                int first = Integer.parseInt(parts[0].trim());
                int last = Integer.parseInt(parts[1].trim());
                if (first >= 1 && last >= first) {
                    return new ProfileSteps(first, last);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw InputError.in("profile-steps", "profile-steps takes FIRST-LAST, step numbers from 1 with FIRST <= LAST"
                + " (such as 20-30), got '" + text + "'");
    }

    /**
     * The default window for a run of {@code totalSteps} that continues at {@code nextStep} (1 for a new run):
     * its length from the later of its first step and {@code nextStep}, moved back or shortened to fit the run.
     */
    public static ProfileSteps defaultFor(int totalSteps, int nextStep) {
        int length = DEFAULT.last - DEFAULT.first;
        int first = Math.max(DEFAULT.first, nextStep);
        if (first + length > totalSteps) {
            first = Math.max(nextStep, totalSteps - length);
        }
        first = Math.max(1, Math.min(first, totalSteps));
        return new ProfileSteps(first, Math.min(first + length, totalSteps));
    }

    /**
     * Refuses a window that a run of {@code totalSteps}, continuing at step {@code nextStep}, never reaches.
     *
     * @throws InputError when a step of the window lies past the run, or the whole window was trained before
     */
    public void requireWithin(int totalSteps, int nextStep) {
        if (last > totalSteps) {
            throw InputError.in("profile-steps", "profile-steps " + this + " lies outside the run, whose steps are 1-"
                    + totalSteps + "; choose steps within it");
        }
        if (last < nextStep) {
            throw InputError.in("profile-steps", "profile-steps " + this + " were trained before; the run continues at"
                    + " step " + nextStep + ", so choose steps from there on");
        }
    }

    public boolean contains(int step) {
        return step >= first && step <= last;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}

package dev.lightspeed.cli;

/** The tool's version, from the jar manifest when packaged. */
final class Version {

    private Version() {
    }

    static String current() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}

package dev.lightspeed.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A launcher of two sleeping {@link LaunchProbeMain} workers, in a process of its own so that {@link LocalLaunchTest}
 * can send it a signal. {@code java dev.lightspeed.cli.LaunchDriverMain DIR}
 */
final class LaunchDriverMain {

    private LaunchDriverMain() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(LocalLaunch.run(2, LocalLaunchTest.probeCommand(args[0], "sleep,sleep"), List.of(), 1,
                System.err));
    }

    static List<String> driverCommand(String dir) {
        List<String> command = new ArrayList<>(LocalLaunch.javaCommand());
        command.set(command.size() - 1, LaunchDriverMain.class.getName());
        command.add(dir);
        return command;
    }
}

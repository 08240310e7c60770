package dev.lightspeed.cli;

import dev.lightspeed.cli.JavaStringLiterals.Literal;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library modules word their messages in terms of the recipe and the Java API; only the command line knows its
 * flags and puts them in (see {@link Main#worded}). Checked over every string literal of their main sources.
 */
class LibraryMessagesTest {

    /** {@code --name}, but not the dashes of {@code a--b}, {@code 1--5}, {@code ---}, {@code -->} or {@code " -- "}. */
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])--[A-Za-z]");

    private static final List<String> LIBRARY_MODULES = List.of("models", "data", "train", "export", "infer", "study");

    @Test
    void noLibraryMessageNamesACommandLineFlag() throws IOException {
        List<String> flagged = new ArrayList<>();
        for (String module : LIBRARY_MODULES) {
            Path sources = Path.of("..", module, "src", "main", "java");
            assertTrue(Files.isDirectory(sources), "no sources of " + module + " at " + sources.toAbsolutePath());
            int literals = 0;
            List<Path> files;
            try (Stream<Path> walk = Files.walk(sources)) {
                files = walk.filter(f -> f.toString().endsWith(".java")).sorted().toList();
            }
            for (Path file : files) {
                String source = Files.readString(file);
                literals += JavaStringLiterals.of(source).size();
                for (Literal literal : flagsIn(source)) {
                    flagged.add(file + ":" + literal.line() + ": \"" + literal.text() + "\"");
                }
            }
            assertTrue(literals > 0, "no string literals read in " + sources.toAbsolutePath());
        }
        assertTrue(flagged.isEmpty(), "library messages that name command-line flags (say what to change in terms"
                + " of the recipe or the call instead):\n" + String.join("\n", flagged));
    }

    @Test
    void aFlagInALiteralIsFoundOnTheLineTheLiteralStarts() {
        String source = String.join("\n",
                "class Checked {",
                "    void check(String text) {",
                "        throw new InputError(\"the folder \" + text",
                "                + \" is empty; pass --data DIR\");",
                "    }",
                "    String first = \"--weights expects live or ema\";",
                "    String quoted = \"say \\\"--tta\\\" here\", block = \"\"\"",
                "            usage: lightspeed train (--out DIR)",
                "            \"\"\";",
                "}");
        assertEquals(List.of(new Literal(4, " is empty; pass --data DIR"),
                        new Literal(6, "--weights expects live or ema"),
                        new Literal(7, "say \\\"--tta\\\" here"),
                        new Literal(7, "\n            usage: lightspeed train (--out DIR)\n            ")),
                flagsIn(source));
    }

    @Test
    void dashesThatAreNoFlagAndFlagsOutsideLiteralsAreNotFound() {
        String source = String.join("\n",
                "/** Reads {@code \"--data DIR\"}. */",
                "class Quiet {",
                "    // as \"--resume\" would",
                "    char quote = '\"'; int left = --count;",
                "    char escaped = '\\''; int right = --count;",
                "    String range = \"steps 1--5\", rule = \"----- totals\", arrow = \"a-->b\";",
                "    String separated = \"first -- second\", joined = \"pre--post\", ended = \"\\\"\";",
                "    int after = --count;",
                "}");
        assertEquals(List.of(), flagsIn(source));
        assertEquals(6, JavaStringLiterals.of(source).size(), "every literal but the comments' is read");
    }

    private static List<Literal> flagsIn(String source) {
        return JavaStringLiterals.of(source).stream().filter(l -> FLAG.matcher(l.text()).find()).toList();
    }
}

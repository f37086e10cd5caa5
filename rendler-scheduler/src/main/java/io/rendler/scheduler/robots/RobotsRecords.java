package io.rendler.scheduler.robots;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.rendler.scheduler.core.RobotsRules;
import java.util.Base64;

/**
 * A host's robots.txt answer as a journal keeps it, and back: a resumed crawl obeys the same
 * rules the interrupted one did, without asking the host again. A parsed robots.txt is kept as
 * its bytes and parsed again, so the rules are the parser's, not a copy of them.
 */
public final class RobotsRecords {

    private RobotsRecords() {}

    /** {@code rules} as JSON; only rules this package makes (or {@link RobotsRules#allowAll()}) can be kept. */
    public static JsonObject toJson(RobotsRules rules) {
        JsonObject json = new JsonObject();
        if (rules == RobotsRules.allowAll()) {
            json.addProperty("kind", "allow_all");
        } else if (rules instanceof RobotsTxt txt) {
            json.addProperty("kind", "robots_txt");
            json.addProperty("url", txt.robotsUrl);
            json.addProperty("content_type", txt.contentType);
            json.addProperty("user_agent", txt.userAgent);
            json.addProperty("body", Base64.getEncoder().encodeToString(txt.body));
        } else if (rules instanceof RobotsTxt.Unavailable unavailable) {
            json.addProperty("kind", "unavailable");
            json.addProperty("why", unavailable.why());
        } else {
            throw new IllegalArgumentException("robots.txt rules of an unknown kind: " + rules.getClass().getName());
        }
        return json;
    }

    /** The rules {@link #toJson} kept. */
    public static RobotsRules fromJson(JsonObject json) {
        String kind = text(json, "kind");
        return switch (kind) {
            case "allow_all" -> RobotsRules.allowAll();
            case "robots_txt" -> RobotsTxt.parse(text(json, "url"), Base64.getDecoder().decode(text(json, "body")),
                    text(json, "content_type"), text(json, "user_agent"));
            case "unavailable" -> RobotsTxt.unavailable(text(json, "why"));
            default -> throw new IllegalStateException("robots.txt rules of an unknown kind '" + kind + "', from a newer rendler?");
        };
    }

    private static String text(JsonObject json, String field) {
        JsonElement value = json.get(field);
        if (value == null || value.isJsonNull()) throw new IllegalStateException("robots.txt rules without " + field);
        return value.getAsString();
    }
}

package io.rendler.scheduler.robots;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import io.rendler.scheduler.core.RobotsRules;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** A host's robots.txt as parsed by crawler-commons (the parser Apache Nutch and StormCrawler use). */
final class RobotsTxt implements RobotsRules {

    private final BaseRobotRules rules;
    private final String denial;
    /** What it was parsed from, so that a journal can keep it and a resume parse it again. */
    final String robotsUrl;
    final byte[] body;
    final String contentType;
    final String userAgent;

    private RobotsTxt(BaseRobotRules rules, String denial, String robotsUrl, byte[] body, String contentType, String userAgent) {
        this.rules = rules;
        this.denial = denial;
        this.robotsUrl = robotsUrl;
        this.body = body;
        this.contentType = contentType;
        this.userAgent = userAgent;
    }

    /** The rules of {@code body}, served at {@code robotsUrl}, for the robot named by {@code userAgent}. */
    static RobotsTxt parse(String robotsUrl, byte[] body, String contentType, String userAgent) {
        BaseRobotRules rules = new SimpleRobotRulesParser().parseContent(robotsUrl, body, contentType, List.of(productToken(userAgent)));
        return new RobotsTxt(rules, "disallowed by robots.txt", robotsUrl, body, contentType, userAgent);
    }

    /**
     * Nothing may be fetched: robots.txt could not be read (5xx, 429, timeout, unreachable), which
     * RFC 9309 §2.3.1.4 and Google treat as a full disallow.
     */
    static RobotsRules unavailable(String why) {
        return new Unavailable(why);
    }

    /** A robots.txt that could not be read: everything is disallowed. */
    record Unavailable(String why) implements RobotsRules {
        @Override
        public boolean allows(String url) {
            return false;
        }

        @Override
        public Duration crawlDelay() {
            return Duration.ZERO;
        }

        @Override
        public String denial() {
            return "robots.txt unavailable (" + why + "), host treated as disallowed";
        }
    }

    /** The name robots.txt groups are matched against: the User-Agent's product, "Rendler" by default. */
    static String productToken(String userAgent) {
        String first = userAgent == null ? "" : userAgent.strip().split("[/ ]", 2)[0].toLowerCase(Locale.ROOT);
        return first.matches("[a-z_-]+") ? first : "rendler";
    }

    @Override
    public boolean allows(String url) {
        return rules.isAllowed(url);
    }

    @Override
    public Duration crawlDelay() {
        long millis = rules.getCrawlDelay();
        return millis > 0 ? Duration.ofMillis(millis) : Duration.ZERO;
    }

    @Override
    public String denial() {
        return denial;
    }
}

package io.rendler.mesossim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code executor-errors/}: each recorded request, byte for byte (only Host differs), gets the
 * recorded answer from the agent. They were recorded after the framework was torn down, so no
 * substitution is needed: the validation texts name the recorded ids, and the lookups fail as
 * they did then.
 */
class ExecutorErrorsConformanceTest {

    private static MesosSimulator sim;

    @BeforeAll
    static void start() {
        sim = MesosSimulator.start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "01-GET", "02-no-content-type", "03-content-type-json-charset", "04-update-unknown-framework",
            "05-update-known-framework-unknown-executor", "06-subscribe-unknown-framework", "07-malformed-json",
            "08-update-source-master", "09-update-state-staging", "10-update-no-uuid"})
    void the_agent_answers_as_recorded(String stem) {
        WireFixtures.Request request = WireFixtures.Request.load("executor-errors/" + stem + ".request");
        RawClient.Response ours = RawClient.exchange(sim.agentPort(), request.toBytes(sim.agentPort()));
        RawClient.Response recorded = RawClient.Response.parse(WireFixtures.bytes("executor-errors/" + stem + ".response"));
        assertEquals(recorded.statusLine(), ours.statusLine());
        assertEquals(recorded.headerNames(), ours.headerNames(), "header order");
        assertEquals(recorded.header("Content-Type"), ours.header("Content-Type"));
        assertEquals(recorded.header("Allow"), ours.header("Allow"));
        assertEquals(recorded.bodyText(), ours.bodyText());
        assertEquals(recorded.header("Content-Length"), ours.header("Content-Length"));
    }
}

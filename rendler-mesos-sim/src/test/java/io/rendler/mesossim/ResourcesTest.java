package io.rendler.mesossim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcesTest {

    private final Resources agent = Resources.scalar("cpus", 2).plus(Resources.scalar("mem", 4096))
            .plus(Resources.ranges("ports", 31000, 32000));

    @Test
    void scalars_use_fixed_point_like_mesos() {
        Resources left = agent.minus(Resources.scalar("cpus", 0.1)).minus(Resources.scalar("cpus", 0.1));
        assertEquals(1.8, left.scalar("cpus"));
        assertEquals("cpus(allocated: *):1.8; mem(allocated: *):4096; ports(allocated: *):[31000-32000]", left.toString());
    }

    @Test
    void ranges_split_merge_and_contain() {
        Resources used = Resources.ranges("ports", 31500, 31500);
        Resources left = agent.minus(used);
        assertEquals("ports(allocated: *):[31000-31499, 31501-32000]", left.minus(Resources.scalar("cpus", 2))
                .minus(Resources.scalar("mem", 4096)).toString());
        assertFalse(left.contains(used));
        assertTrue(left.plus(used).contains(agent));
        assertTrue(agent.contains(left));
    }

    @Test
    void offers_put_ports_first_and_agent_info_puts_them_last() {
        List<String> offer = agent.toProtos(Resources.Shape.OFFER).stream().map(r -> r.getName()).toList();
        List<String> info = agent.toProtos(Resources.Shape.AGENT_INFO).stream().map(r -> r.getName()).toList();
        assertEquals(List.of("ports", "cpus", "mem"), offer);
        assertEquals(List.of("cpus", "mem", "ports"), info);
        assertTrue(Resources.EMPTY.isEmpty());
        assertEquals("{}", Resources.EMPTY.toString());
    }
}

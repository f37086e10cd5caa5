package io.rendler.mesos;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo.Capability;

/**
 * The {@link FrameworkInfo} Rendler subscribes with.
 *
 * <p>Capabilities: {@link #DEFAULT_CAPABILITIES} is MULTI_ROLE only.
 * <ul>
 *   <li>MULTI_ROLE: we subscribe with {@code roles} (the single-role {@code role} field is
 *       deprecated), and it is what the recorded sessions (and so the simulator) use. Offers then
 *       carry {@code allocation_info}; with one role the master fills it in on our ACCEPTs.</li>
 *   <li>not PARTITION_AWARE: without it every "we don't know / lost contact" answer is TASK_LOST,
 *       and a crawler's answer to all of them is the same (retry the page). With it the core would
 *       have to handle TASK_UNREACHABLE, TASK_GONE, TASK_GONE_BY_OPERATOR, TASK_DROPPED and
 *       TASK_UNKNOWN (README surprise 4). Pass it explicitly if the core ever wants that.</li>
 * </ul>
 */
public final class FrameworkInfos {

    public static final Set<Capability.Type> DEFAULT_CAPABILITIES =
            Collections.unmodifiableSet(EnumSet.of(Capability.Type.MULTI_ROLE));

    private FrameworkInfos() {}

    /** A FrameworkInfo with {@link #DEFAULT_CAPABILITIES}. */
    public static FrameworkInfo create(String name, String user, String role, Duration failoverTimeout, boolean checkpoint) {
        return create(name, user, role, failoverTimeout, checkpoint, DEFAULT_CAPABILITIES);
    }

    /**
     * @param user            the Unix user tasks run as. Mesos requires it (the proto field is
     *                        required); {@link #currentUser()} is the usual choice
     * @param failoverTimeout how long the master keeps our tasks while we are disconnected. Mesos'
     *                        default is 0, which kills every task the moment the scheduler drops
     * @param checkpoint      whether agents checkpoint our executors so they survive an agent
     *                        restart; also gives executors MESOS_RECOVERY_TIMEOUT to reconnect
     */
    public static FrameworkInfo create(
            String name, String user, String role, Duration failoverTimeout, boolean checkpoint,
            Set<Capability.Type> capabilities) {
        requireText(name, "name");
        requireText(user, "user");
        requireText(role, "role");
        if (failoverTimeout.isNegative()) throw new IllegalArgumentException("failoverTimeout must not be negative");
        FrameworkInfo.Builder info = FrameworkInfo.newBuilder()
                .setName(name)
                .setUser(user)
                .setFailoverTimeout(failoverTimeout.toMillis() / 1000.0);
        if (checkpoint) info.setCheckpoint(true); // false is the default; leave it out as Mesos examples do
        if (capabilities.contains(Capability.Type.MULTI_ROLE)) {
            info.addRoles(role);
        } else {
            setSingleRole(info, role);
        }
        for (Capability.Type capability : capabilities) {
            info.addCapabilities(Capability.newBuilder().setType(capability));
        }
        return info.build();
    }

    /** The same info carrying the id the master assigned, for resubscription. */
    public static FrameworkInfo withId(FrameworkInfo info, FrameworkID id) {
        return info.toBuilder().setId(id).build();
    }

    /** The same info with the principal that authenticates it; it must match the credential's. */
    public static FrameworkInfo withPrincipal(FrameworkInfo info, String principal) {
        requireText(principal, "principal");
        return info.toBuilder().setPrincipal(principal).build();
    }

    /** The JVM's user name, falling back to {@code root} where none is set (Mesos sandboxes have no USER). */
    public static String currentUser() {
        String user = System.getProperty("user.name");
        return user == null || user.isBlank() || user.equals("?") ? "root" : user;
    }

    /** How long the master waits for a disconnected scheduler before it removes the framework. */
    public static Duration failoverTimeout(FrameworkInfo info) {
        return Duration.ofMillis(Math.round(info.getFailoverTimeout() * 1000));
    }

    @SuppressWarnings("deprecation") // the single-role field, for frameworks without MULTI_ROLE
    private static void setSingleRole(FrameworkInfo.Builder info, String role) {
        info.setRole(role);
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException("FrameworkInfo " + what + " must be set");
    }
}

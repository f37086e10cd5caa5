package io.rendler.mesos;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.UUID;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;

/**
 * Named factories for the executor {@link Call}s. Unlike scheduler calls, every executor call
 * carries both {@code framework_id} and {@code executor_id} at the top level (from
 * MESOS_FRAMEWORK_ID and MESOS_EXECUTOR_ID).
 */
public final class ExecutorCalls {

    private ExecutorCalls() {}

    /**
     * SUBSCRIBE. After a lost agent connection, the updates the agent has not acknowledged and
     * the tasks none of whose updates were acknowledged go along, so the agent can recover them.
     */
    public static Call subscribe(FrameworkID frameworkId, ExecutorID executorId,
            Collection<TaskInfo> unacknowledgedTasks, Collection<Call.Update> unacknowledgedUpdates) {
        return Call.newBuilder()
                .setType(Call.Type.SUBSCRIBE)
                .setFrameworkId(frameworkId)
                .setExecutorId(executorId)
                .setSubscribe(Call.Subscribe.newBuilder()
                        .addAllUnacknowledgedTasks(unacknowledgedTasks)
                        .addAllUnacknowledgedUpdates(unacknowledgedUpdates))
                .build();
    }

    public static Call update(FrameworkID frameworkId, ExecutorID executorId, TaskStatus status) {
        return Call.newBuilder()
                .setType(Call.Type.UPDATE)
                .setFrameworkId(frameworkId)
                .setExecutorId(executorId)
                .setUpdate(Call.Update.newBuilder().setStatus(status))
                .build();
    }

    /** A framework MESSAGE to the scheduler: best effort, may be dropped. */
    public static Call message(FrameworkID frameworkId, ExecutorID executorId, byte[] data) {
        return Call.newBuilder()
                .setType(Call.Type.MESSAGE)
                .setFrameworkId(frameworkId)
                .setExecutorId(executorId)
                .setMessage(Call.Message.newBuilder().setData(ByteString.copyFrom(data)))
                .build();
    }

    /**
     * A status update as an executor must send it. Mesos quirks: {@code source} must be
     * SOURCE_EXECUTOR (else 400), and {@code uuid} must be a valid RFC 4122 UUID as 16 raw bytes:
     * the agent parses it and answers 400 "Not a valid UUID" for arbitrary bytes, and a text
     * UUID fails base64 decoding. The {@code timestamp} is ours to set, as the libmesos executor
     * driver does: the agent stamps only the update it forwards, so without one the master's
     * {@code /state} and its UI show the task's states as of 1970.
     *
     * @param message one human-readable line, or null
     * @param data    opaque bytes for the scheduler, or null
     */
    public static TaskStatus status(TaskID taskId, ExecutorID executorId, TaskState state, UUID uuid, String message, byte[] data) {
        TaskStatus.Builder status = TaskStatus.newBuilder()
                .setTaskId(taskId)
                .setExecutorId(executorId)
                .setState(state)
                .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
                .setUuid(uuidBytes(uuid))
                .setTimestamp(System.currentTimeMillis() / 1000.0);
        if (message != null) status.setMessage(message);
        if (data != null) status.setData(ByteString.copyFrom(data));
        return status.build();
    }

    /** The 16 big-endian bytes of a UUID, the form Mesos expects in {@code uuid} fields. */
    public static ByteString uuidBytes(UUID uuid) {
        ByteBuffer bytes = ByteBuffer.allocate(16);
        bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return ByteString.copyFrom(bytes.array());
    }

    /** The UUID in 16 raw bytes. */
    public static UUID uuidOf(ByteString bytes) {
        if (bytes.size() != 16) throw new IllegalArgumentException("a UUID is 16 bytes, not " + bytes.size());
        ByteBuffer buffer = bytes.asReadOnlyByteBuffer();
        return new UUID(buffer.getLong(), buffer.getLong());
    }
}

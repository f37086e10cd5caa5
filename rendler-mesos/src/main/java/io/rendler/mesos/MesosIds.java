package io.rendler.mesos;

import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskID;

/** The Mesos id wrappers from plain strings, so logic code never spells out a builder for one. */
public final class MesosIds {

    private MesosIds() {}

    public static TaskID taskId(String value) {
        return TaskID.newBuilder().setValue(value).build();
    }

    public static AgentID agentId(String value) {
        return AgentID.newBuilder().setValue(value).build();
    }

    public static ExecutorID executorId(String value) {
        return ExecutorID.newBuilder().setValue(value).build();
    }

    public static OfferID offerId(String value) {
        return OfferID.newBuilder().setValue(value).build();
    }

    public static FrameworkID frameworkId(String value) {
        return FrameworkID.newBuilder().setValue(value).build();
    }
}

package io.rendler.mesos;

import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.TaskInfo;

/**
 * A warm-up task starts an executor before there is work for it. Mesos starts an executor only to
 * run a task, and the render executor needs seconds to start Chromium; launched with the first
 * crawl, a warm-up lets Chromium start while the start page is fetched. The executor finishes a
 * warm-up at once, once it is up, without calling its handler; the scheduler expects no result.
 */
public final class WarmUp {

    /** The label that marks a warm-up task; its TaskInfo carries no TaskRequest. */
    public static final String LABEL = "rendler.warm-up";

    private WarmUp() {}

    public static Labels labels() {
        return Labels.newBuilder().addLabels(Label.newBuilder().setKey(LABEL).setValue("true")).build();
    }

    public static boolean is(TaskInfo task) {
        return task.hasLabels() && task.getLabels().getLabelsList().stream().anyMatch(l -> l.getKey().equals(LABEL));
    }
}

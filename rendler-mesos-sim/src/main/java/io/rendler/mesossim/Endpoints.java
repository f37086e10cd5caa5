package io.rendler.mesossim;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import org.apache.mesos.v1.Protos.FrameworkInfo;

/**
 * URL routing for the two servers, plus the small read-only endpoints: {@code GET /state} (enough
 * of Mesos' shape for a test to see a framework come and go) and {@code GET /version}
 * ({@code mesos-version.json}). libprocess also serves every endpoint under its process name,
 * hence the {@code /master/...} and {@code /slave(1)/...} aliases.
 */
final class Endpoints {

    private Endpoints() {}

    static RawHttpServer.Handler master(Cluster cluster) {
        SchedulerApi scheduler = new SchedulerApi(cluster);
        return (request, exchange) -> switch (request.path()) {
            case "/api/v1/scheduler", "/master/api/v1/scheduler" -> scheduler.handle(request, exchange);
            case "/state", "/state.json", "/master/state", "/master/state.json" -> HttpResponse.json(masterState(cluster));
            case "/version", "/version.json" -> HttpResponse.json(version(cluster));
            case "/health", "/master/health" -> new HttpResponse(200, java.util.List.of(), null, new byte[0]);
            default -> HttpResponse.notFound();
        };
    }

    static RawHttpServer.Handler agent(Cluster cluster) {
        ExecutorApi executor = new ExecutorApi(cluster);
        return (request, exchange) -> switch (request.path()) {
            case "/api/v1/executor", "/slave(1)/api/v1/executor" -> executor.handle(request, exchange);
            case "/version", "/version.json" -> HttpResponse.json(version(cluster));
            case "/health", "/slave(1)/health" -> new HttpResponse(200, java.util.List.of(), null, new byte[0]);
            default -> HttpResponse.notFound();
        };
    }

    private static byte[] version(Cluster cluster) {
        // The recorded answer's shape, with the configured version (mesos-version.json).
        return ("{\"build_date\":\"2026-11-23 06:52:52\",\"build_time\":1795416772.0,\"build_user\":\"\",\"version\":"
                + new com.google.gson.JsonPrimitive(cluster.config.version()) + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] masterState(Cluster cluster) {
        JsonObject state = new JsonObject();
        state.addProperty("version", cluster.config.version());
        state.addProperty("id", cluster.masterId);
        state.addProperty("pid", "master@127.0.0.1:" + cluster.masterPort());
        state.addProperty("hostname", cluster.config.hostname());
        state.addProperty("leader", cluster.faults.redirectLocation() == null ? "master@127.0.0.1:" + cluster.masterPort() : "");
        state.addProperty("activated_slaves", 1);
        JsonArray frameworks = new JsonArray();
        for (Master.FrameworkView view : cluster.master.frameworkViews()) {
            JsonObject framework = frameworkJson(view.info());
            framework.addProperty("active", view.connected());
            framework.addProperty("connected", view.connected());
            JsonArray tasks = new JsonArray();
            for (Master.SimTaskView task : view.tasks()) {
                JsonObject json = new JsonObject();
                json.addProperty("id", task.id());
                json.addProperty("name", task.name());
                json.addProperty("framework_id", view.info().getId().getValue());
                json.addProperty("executor_id", task.executorId());
                json.addProperty("slave_id", cluster.agentId);
                json.addProperty("state", task.state().name());
                tasks.add(json);
            }
            framework.add("tasks", tasks);
            frameworks.add(framework);
        }
        state.add("frameworks", frameworks);
        JsonArray completed = new JsonArray();
        for (FrameworkInfo info : cluster.master.completedFrameworks()) {
            JsonObject framework = frameworkJson(info);
            framework.addProperty("active", false);
            framework.add("tasks", new JsonArray());
            completed.add(framework);
        }
        state.add("completed_frameworks", completed);
        JsonArray slaves = new JsonArray();
        JsonObject slave = new JsonObject();
        slave.addProperty("id", cluster.agentId);
        slave.addProperty("pid", "slave(1)@127.0.0.1:" + cluster.agentPort());
        slave.addProperty("hostname", cluster.config.hostname());
        slave.addProperty("active", true);
        slaves.add(slave);
        state.add("slaves", slaves);
        return state.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject frameworkJson(FrameworkInfo info) {
        JsonObject framework = new JsonObject();
        framework.addProperty("id", info.getId().getValue());
        framework.addProperty("name", info.getName());
        framework.addProperty("user", info.getUser());
        framework.addProperty("failover_timeout", info.getFailoverTimeout());
        framework.addProperty("checkpoint", info.getCheckpoint());
        return framework;
    }
}

package io.rendler.mesossim;

import java.util.Optional;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;

/**
 * {@code POST /api/v1/executor} on the agent: checks in the order of the agent's http.cpp, texts
 * as recorded ({@code executor-errors/}, {@code executor/fake-exec-1-8567/01-} and {@code 02-}).
 * Validation runs before the framework lookup, so a bad UPDATE for an unknown executor still gets
 * the validation text ({@code executor-errors/08-update-source-master}).
 */
final class ExecutorApi {

    private final Cluster cluster;

    ExecutorApi(Cluster cluster) {
        this.cluster = cluster;
    }

    HttpResponse handle(HttpRequest request, RawHttpServer.Exchange exchange) {
        if (!request.method().equals("POST")) return HttpResponse.methodNotAllowed(request.method());
        Call.Builder builder = Call.newBuilder();
        Optional<HttpResponse> undecodable = WireEncoding.decodeCall(request, builder);
        if (undecodable.isPresent()) return undecodable.get();
        Call call = builder.build();

        Optional<String> invalid = validate(call);
        if (invalid.isPresent()) return HttpResponse.text(400, "Failed to validate Executor::Call: " + invalid.get());

        WireEncoding streamEncoding = null;
        if (call.getType() == Call.Type.SUBSCRIBE) {
            Optional<WireEncoding> accepted = AcceptHeader.streamEncoding(request.header("Accept"));
            if (accepted.isEmpty()) return HttpResponse.text(406, AcceptHeader.NOT_ACCEPTABLE);
            streamEncoding = accepted.get();
        } else if (call.getType() == Call.Type.HEARTBEAT) {
            cluster.observations.executorCall(Call.Type.HEARTBEAT);
            return HttpResponse.accepted(); // answered before any lookup, as Mesos does
        }
        return cluster.agent.call(call, streamEncoding, exchange);
    }

    /** Mesos' {@code common::validation::validateExecutorCall}. */
    static Optional<String> validate(Call call) {
        if (!call.hasType()) return Optional.of("Expecting 'type' to be present");
        String executor = call.getExecutorId().getValue();
        String framework = call.getFrameworkId().getValue();
        switch (call.getType()) {
            case SUBSCRIBE:
                return call.hasSubscribe() ? Optional.empty() : Optional.of("Expecting 'subscribe' to be present");
            case MESSAGE:
                return call.hasMessage() ? Optional.empty() : Optional.of("Expecting 'message' to be present");
            case UPDATE:
                if (!call.hasUpdate()) return Optional.of("Expecting 'update' to be present");
                TaskStatus status = call.getUpdate().getStatus();
                if (!status.hasUuid()) return Optional.of("Expecting 'uuid' to be present");
                if (!Cluster.isValidUuid(status.getUuid())) return Optional.of("Not a valid UUID");
                if (status.hasExecutorId() && !status.getExecutorId().getValue().equals(executor)) {
                    return Optional.of("ExecutorID in Call: " + executor
                            + " does not match ExecutorID in TaskStatus: " + status.getExecutorId().getValue());
                }
                if (status.getSource() != TaskStatus.Source.SOURCE_EXECUTOR) {
                    return Optional.of("Received Call from executor " + executor + " of framework " + framework
                            + " with invalid source, expecting 'SOURCE_EXECUTOR'");
                }
                if (status.getState() == TaskState.TASK_STAGING) {
                    return Optional.of("Received TASK_STAGING from executor " + executor + " of framework " + framework
                            + " which is not allowed");
                }
                return Optional.empty();
            default:
                return Optional.empty();
        }
    }
}

package io.rendler.mesossim;

import java.util.Optional;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * {@code POST /api/v1/scheduler}: the checks and their order follow Mesos' master http.cpp, and
 * every answer text is the recorded one ({@code scheduler-json/errors/}).
 */
final class SchedulerApi {

    private final Cluster cluster;

    SchedulerApi(Cluster cluster) {
        this.cluster = cluster;
    }

    HttpResponse handle(HttpRequest request, RawHttpServer.Exchange exchange) {
        // A non-leading master redirects before looking at anything else, even the method.
        String leader = cluster.faults.redirectLocation();
        if (leader != null) return HttpResponse.temporaryRedirect(leader);
        if (!request.method().equals("POST")) return HttpResponse.methodNotAllowed(request.method());

        Call.Builder builder = Call.newBuilder();
        Optional<HttpResponse> undecodable = WireEncoding.decodeCall(request, builder);
        if (undecodable.isPresent()) return undecodable.get();
        Call call = builder.build();

        Optional<String> invalid = validate(call);
        if (invalid.isPresent()) return HttpResponse.text(400, "Failed to validate scheduler::Call: " + invalid.get());

        if (call.getType() == Call.Type.SUBSCRIBE) {
            Optional<WireEncoding> streamEncoding = AcceptHeader.streamEncoding(request.header("Accept"));
            if (streamEncoding.isEmpty()) return HttpResponse.text(406, AcceptHeader.NOT_ACCEPTABLE);
            if (request.header("Mesos-Stream-Id").isPresent()) {
                return HttpResponse.text(400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
            }
            return cluster.master.subscribe(call.getSubscribe(), streamEncoding.get(), exchange);
        }
        return cluster.master.call(call, request.header("Mesos-Stream-Id"));
    }

    /** Mesos' {@code validation::scheduler::call::validate}. */
    static Optional<String> validate(Call call) {
        if (!call.hasType()) return Optional.of("Expecting 'type' to be present");
        if (call.getType() == Call.Type.SUBSCRIBE) {
            if (!call.hasSubscribe()) return Optional.of("Expecting 'subscribe' to be present");
            FrameworkID inInfo = call.getSubscribe().getFrameworkInfo().getId();
            if (!inInfo.getValue().equals(call.getFrameworkId().getValue())) {
                return Optional.of("'framework_id' differs from 'subscribe.framework_info.id'");
            }
            return Optional.empty();
        }
        if (!call.hasFrameworkId()) return Optional.of("Expecting 'framework_id' to be present");
        return switch (call.getType()) {
            case ACCEPT -> present(call.hasAccept(), "accept");
            case DECLINE -> present(call.hasDecline(), "decline");
            case ACCEPT_INVERSE_OFFERS -> present(call.hasAcceptInverseOffers(), "accept_inverse_offers");
            case DECLINE_INVERSE_OFFERS -> present(call.hasDeclineInverseOffers(), "decline_inverse_offers");
            case KILL -> present(call.hasKill(), "kill");
            case SHUTDOWN -> present(call.hasShutdown(), "shutdown");
            case ACKNOWLEDGE -> {
                if (!call.hasAcknowledge()) yield Optional.of("Expecting 'acknowledge' to be present");
                yield Cluster.isValidUuid(call.getAcknowledge().getUuid()) ? Optional.empty() : Optional.of("Not a valid UUID");
            }
            case RECONCILE -> present(call.hasReconcile(), "reconcile");
            case MESSAGE -> present(call.hasMessage(), "message");
            case REQUEST -> present(call.hasRequest(), "request");
            default -> Optional.empty();
        };
    }

    private static Optional<String> present(boolean present, String field) {
        return present ? Optional.empty() : Optional.of("Expecting '" + field + "' to be present");
    }
}

package io.rendler.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The executor's side of the scheduler's write-once screenshot store, against a real HTTP server. */
class ScreenshotUploaderTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};

    private final Map<String, byte[]> stored = new ConcurrentHashMap<>();
    private final ScreenshotUploader uploader = new ScreenshotUploader();
    private HttpServer server;

    /** Stores each path's first body and answers 409 to the rest, as the scheduler's file server does. */
    @BeforeEach
    void startWriteOnceStore() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String path = exchange.getRequestURI().getPath();
                int status = path.equals("/broken") ? 500 : stored.putIfAbsent(path, body) == null ? 201 : 409;
                exchange.sendResponseHeaders(status, -1);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void aSecondUploadOfAStoredScreenshotCountsAsDelivered() throws Exception {
        uploader.upload(url("/a.png"), PNG, Duration.ofSeconds(10));
        assertDoesNotThrow(() -> uploader.upload(url("/a.png"), new byte[] {9}, Duration.ofSeconds(10)));
        assertArrayEquals(PNG, stored.get("/a.png"), "the first upload is the one kept");
    }

    @Test
    void otherErrorsFailTheUpload() {
        IOException e = assertThrows(IOException.class, () -> uploader.upload(url("/broken"), PNG, Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
    }
}

package dev.txfn.internal;

import dev.txfn.CredentialsUnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One GET of a secret from the AWS Parameters and Secrets Lambda Extension
 * ({@code /secretsmanager/get?secretId=...} on 127.0.0.1). The JDK's {@link HttpURLConnection}, not
 * {@code java.net.http.HttpClient}: a single loopback request does not need the latter's selector thread and
 * some hundred extra classes at cold start. Stateless.
 */
final class LambdaExtension {
    static final int CONNECT_TIMEOUT_MS = 250;
    static final int READ_TIMEOUT_MS = 3_000;
    private static final int MAX_ANSWER_BYTES = 1 << 20;

    private LambdaExtension() {
    }

    /**
     * The {@code SecretString} of the secret.
     *
     * @throws IOException if the extension does not answer: refused, or silent past the read timeout
     * @throws CredentialsUnavailableException if it answers with an error status or an unusable body
     */
    static String read(SecretReader.Settings settings) throws IOException {
        URL url = new URL("http", "127.0.0.1", settings.extensionPort(), "/secretsmanager/get?secretId="
                + URLEncoder.encode(settings.secretId(), StandardCharsets.UTF_8));
        HttpURLConnection http = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
        try {
            http.setConnectTimeout(CONNECT_TIMEOUT_MS);
            http.setReadTimeout(READ_TIMEOUT_MS);
            http.setUseCaches(false);
            if (settings.extensionToken() != null) {
                http.setRequestProperty("X-Aws-Parameters-Secrets-Token", settings.extensionToken());
            }
            int status = http.getResponseCode();
            if (status != 200) {
                drain(http.getErrorStream());
                // 4xx: the secret is missing, access is denied or the request is wrong, which waiting will not
                // change; 5xx: the extension could not reach Secrets Manager, which it may next time. The body is
                // not quoted: an error page is no place to trust with what it might echo.
                throw new CredentialsUnavailableException(settings.describe() + ": the Lambda extension on"
                        + " 127.0.0.1:" + settings.extensionPort() + " answered HTTP " + status
                        + (status == 400 || status == 401 ? " (is AWS_SESSION_TOKEN set?)" : ""), status >= 500,
                        null);
            }
            byte[] body;
            try (InputStream in = http.getInputStream()) {
                body = readBounded(in);
            }
            return SecretJson.secretString(body, settings, "the Lambda extension's answer");
        } finally {
            http.disconnect();
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (out.size() + n > MAX_ANSWER_BYTES) {
                throw new IOException("the answer exceeds " + MAX_ANSWER_BYTES + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static void drain(InputStream in) {
        if (in == null) {
            return;
        }
        try (in) {
            in.transferTo(OutputStreamSink.INSTANCE);
        } catch (IOException e) {
            // the status says enough
        }
    }

    /** Discards what is written. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}

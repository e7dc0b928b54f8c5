package borealis.persistence.backup;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A backup store in an S3 bucket (AWS, or any S3-compatible server with {@code endpoint} and
 * path-style addressing). A PUT is atomic in S3: readers see the old object or the new one.
 * Objects live under {@code prefix}; temporary files (images being copied, volumes being rebuilt)
 * in a local scratch directory.
 */
public final class S3BackupStore implements BackupStore {

    /**
     * See reference.conf {@code borealis.backup.s3}; empty {@code endpoint}: AWS; empty keys: the
     * SDK's default credentials (environment, profile, instance role).
     */
    public record Settings(String bucket, String prefix, String endpoint, String region, boolean pathStyle, String accessKeyId,
                           String secretAccessKey, Path scratchDir) {
        public static Settings from(com.typesafe.config.Config s3, Path scratchDir) {
            Settings s = new Settings(s3.getString("bucket"), s3.getString("prefix"), s3.getString("endpoint"), s3.getString("region"),
                    s3.getBoolean("path-style"), s3.getString("access-key-id"), s3.getString("secret-access-key"), scratchDir);
            if (s.bucket.isBlank()) {
                throw new IllegalArgumentException("borealis.backup.store is s3 but borealis.backup.s3.bucket is empty");
            }
            if (s.accessKeyId.isBlank() != s.secretAccessKey.isBlank()) {
                throw new IllegalArgumentException("borealis.backup.s3: give both access-key-id and secret-access-key, or neither");
            }
            if (!s.prefix.isEmpty() && !s.prefix.endsWith("/")) {
                throw new IllegalArgumentException("borealis.backup.s3.prefix must end with / (or be empty): " + s.prefix);
            }
            return s;
        }
    }

    private final Settings settings;
    private final S3Client s3;

    public S3BackupStore(Settings settings) throws IOException {
        this.settings = settings;
        AwsCredentialsProvider credentials = settings.accessKeyId().isBlank() ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()));
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                // Only the checksums S3 itself requires: S3-compatible servers do not all take the newer trailers.
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED);
        if (!settings.endpoint().isBlank()) {
            b.endpointOverride(URI.create(settings.endpoint()));
        }
        this.s3 = b.build();
        Files.createDirectories(settings.scratchDir());
    }

    private String full(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("..")) {
            throw new IllegalArgumentException("not a backup key: " + key);
        }
        return settings.prefix() + key;
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
        try {
            s3.putObject(PutObjectRequest.builder().bucket(settings.bucket()).key(full(key)).build(), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw failed("write", key, e);
        }
    }

    @Override
    public void put(String key, Path file) throws IOException {
        try {
            s3.putObject(PutObjectRequest.builder().bucket(settings.bucket()).key(full(key)).build(), RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw failed("write", key, e);
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            return s3.getObject(GetObjectRequest.builder().bucket(settings.bucket()).key(full(key)).build());
        } catch (NoSuchKeyException e) {
            throw new java.nio.file.NoSuchFileException(describe() + "/" + key);
        } catch (SdkException e) {
            throw failed("read", key, e);
        }
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        List<String> keys = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(settings.bucket()).prefix(full(prefix)).build())
                    .contents()) {
                keys.add(o.key().substring(settings.prefix().length()));
            }
        } catch (SdkException e) {
            throw failed("list", prefix, e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(DeleteObjectRequest.builder().bucket(settings.bucket()).key(full(key)).build());
        } catch (SdkException e) {
            throw failed("delete", key, e);
        }
    }

    @Override
    public Path scratchDir() {
        return settings.scratchDir();
    }

    @Override
    public String describe() {
        return "s3://" + settings.bucket() + "/" + settings.prefix() + (settings.endpoint().isBlank() ? "" : " at " + settings.endpoint());
    }

    private IOException failed(String what, String key, SdkException e) {
        return new IOException("could not " + what + " " + key + " in " + describe() + ": " + e.getMessage(), e);
    }
}

package borealis.engine.h2;

import borealis.persistence.volume.client.ReaderVolume;
import borealis.persistence.volume.client.Volume;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.store.fs.FilePath;

/**
 * The {@code borealis:} file system scheme through which H2 reaches its database file.
 *
 * <p>A path {@code borealis:/<volume>/<name>.mv.db} is the volume registered under that id. Every
 * other file H2 makes beside it (temporary result files, traces) is node-local scratch and goes to a
 * directory on local disk, since it need not survive the compute instance.
 */
public final class VolumeFileSystem extends FilePath {

    public static final String SCHEME = "borealis";
    private static final String PREFIX = SCHEME + ":";
    private static final String DB_SUFFIX = ".mv.db";

    private static final Map<String, Volume> VOLUMES = new ConcurrentHashMap<>();

    static {
        FilePath.register(new VolumeFileSystem());
    }

    /** Makes sure the scheme is registered with H2 (class initialisation does it) and sets the scratch directory. */
    public static void install(Path scratch) {
        ScratchFiles.setRoot(scratch);
    }

    public static void mount(Volume volume) {
        if (VOLUMES.putIfAbsent(encode(volume.id()), volume) != null) {
            throw new IllegalStateException("volume " + volume.id() + " is already mounted on this node");
        }
    }

    public static void unmount(Volume volume) {
        VOLUMES.remove(encode(volume.id()), volume);
    }

    /** The volume mounted on this node under {@code volumeId}, if any (for figures and tests). */
    public static java.util.Optional<Volume> mounted(String volumeId) {
        return java.util.Optional.ofNullable(VOLUMES.get(encode(volumeId)));
    }

    /** Every volume mounted on this node (for metrics). */
    public static java.util.Collection<Volume> mounted() {
        return java.util.List.copyOf(VOLUMES.values());
    }

    /** The H2 database path of a mounted volume (without the {@code .mv.db} suffix). */
    public static String databasePath(String volumeId) {
        return PREFIX + "/" + encode(volumeId) + "/db";
    }

    /** The owner of a volume's scratch files: its directory under the scratch root, and its quota's name. */
    public static String scratchOwner(String volumeId) {
        return encode(volumeId);
    }

    /** Volume ids may contain '/', which the path uses as separator. */
    private static String encode(String volumeId) {
        return volumeId.replace("~", "~~").replace("/", "~s");
    }

    public VolumeFileSystem() {
        this.name = PREFIX + "/";
    }

    private VolumeFileSystem(String name) {
        this.name = name;
    }

    private boolean isVolumeFile() {
        return name.endsWith(DB_SUFFIX);
    }

    private String volumeId() {
        String rest = name.substring(PREFIX.length());
        while (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    private Volume volume() throws IOException {
        Volume v = VOLUMES.get(volumeId());
        if (v == null) {
            throw new IOException("volume " + volumeId() + " is not mounted on this node");
        }
        return v;
    }

    /** Scratch files live on local disk, under the scratch directory, by volume (and nowhere else: {@link ScratchFiles}). */
    private FilePath scratch() {
        String rest = name.substring(PREFIX.length()).replaceFirst("^/+", "");
        int slash = rest.indexOf('/');
        return slash < 0 ? ScratchFiles.forVolume(rest, "") : ScratchFiles.forVolume(rest.substring(0, slash), rest.substring(slash + 1));
    }

    @Override
    public java.io.InputStream newInputStream() throws IOException {
        // H2 reads its files through channels; streams are how SQL-level file functions would read a volume.
        throw new IOException(RefusedFilePath.message(name));
    }

    @Override
    public java.io.OutputStream newOutputStream(boolean append) throws IOException {
        throw new IOException(RefusedFilePath.message(name));
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FilePath getPath(String path) {
        return new VolumeFileSystem(path);
    }

    @Override
    public long size() {
        if (!isVolumeFile()) {
            return scratch().size();
        }
        Volume v = VOLUMES.get(volumeId());
        return v == null ? 0 : v.size();
    }

    @Override
    public boolean exists() {
        if (isVolumeFile()) {
            return size() > 0;
        }
        return isDirectory() || scratch().exists();
    }

    @Override
    public boolean isDirectory() {
        return !isVolumeFile() && !name.substring(PREFIX.length()).replaceFirst("^/+", "").contains("/")
                || (!isVolumeFile() && scratch().isDirectory());
    }

    @Override
    public boolean isRegularFile() {
        return isVolumeFile() ? exists() : scratch().isRegularFile();
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        if (isVolumeFile()) {
            return new VolumeChannel(volume());
        }
        FilePath s = scratch();
        s.getParent().createDirectory();
        return s.open(mode);
    }

    @Override
    public boolean createFile() {
        if (isVolumeFile()) {
            return !exists();
        }
        FilePath s = scratch();
        s.getParent().createDirectory();
        return s.createFile();
    }

    @Override
    public void delete() {
        if (isVolumeFile()) {
            try {
                volume().truncate(0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            scratch().delete();
        }
    }

    @Override
    public void moveTo(FilePath newName, boolean atomicReplace) {
        if (isVolumeFile()) {
            throw new UnsupportedOperationException("the database volume cannot be renamed");
        }
        scratch().moveTo(((VolumeFileSystem) newName).scratch(), atomicReplace);
    }

    @Override
    public List<FilePath> newDirectoryStream() {
        List<FilePath> out = new ArrayList<>();
        String dir = name.endsWith("/") ? name : name + "/";
        VolumeFileSystem db = new VolumeFileSystem(dir + "db" + DB_SUFFIX);
        if (db.exists()) {
            out.add(db);
        }
        return out;
    }

    @Override
    public FilePath toRealPath() {
        return this;
    }

    @Override
    public FilePath getParent() {
        int idx = name.lastIndexOf('/');
        return idx <= PREFIX.length() ? null : getPath(name.substring(0, idx));
    }

    @Override
    public boolean isAbsolute() {
        return true;
    }

    @Override
    public long lastModified() {
        return 0;
    }

    @Override
    public boolean canWrite() {
        return !(isVolumeFile() && VOLUMES.get(volumeId()) instanceof ReaderVolume);
    }

    @Override
    public boolean setReadOnly() {
        return false;
    }

    @Override
    public void createDirectory() {
        // Volumes need no directories; scratch directories are made on demand.
    }
}

namespace Discovery.Images;

/// <summary>How an image's bytes are laid out; the chunker treats all of them as a byte stream.</summary>
public enum ImageFormat
{
    /// <summary>A raw disk image (<c>.img</c>, <c>.raw</c>).</summary>
    Raw,

    /// <summary>A QEMU copy-on-write v2/v3 image (magic <c>QFI\xfb</c>).</summary>
    Qcow2,

    /// <summary>A POSIX tar archive of a root file system (<c>ustar</c> at offset 257).</summary>
    Tar,
}

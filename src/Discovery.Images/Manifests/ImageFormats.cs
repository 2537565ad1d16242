namespace Discovery.Images;

/// <summary>Recognises an image's format from its first bytes, falling back to the file name for raw images.</summary>
public static class ImageFormats
{
    /// <summary>Bytes of the head that <see cref="Detect"/> needs to see every magic number.</summary>
    public const int HeadSize = 512;

    private static ReadOnlySpan<byte> Qcow2Magic => [(byte)'Q', (byte)'F', (byte)'I', 0xfb];
    private static ReadOnlySpan<byte> TarMagic => "ustar"u8;
    private const int TarMagicOffset = 257;

    /// <summary>
    /// Detects the format from <paramref name="head"/> (the image's first bytes, ideally <see cref="HeadSize"/>): the qcow2
    /// magic <c>QFI\xfb</c> at offset 0, the tar magic <c>ustar</c> at offset 257, else a <c>.img</c> or <c>.raw</c>
    /// extension on <paramref name="fileName"/> means raw (raw images have no magic).
    /// </summary>
    /// <exception cref="UnknownImageFormatException">None of these match; the message names the file.</exception>
    public static ImageFormat Detect(ReadOnlySpan<byte> head, string fileName)
    {
        if (head.StartsWith(Qcow2Magic))
            return ImageFormat.Qcow2;
        if (head.Length >= TarMagicOffset + TarMagic.Length && head.Slice(TarMagicOffset, TarMagic.Length).SequenceEqual(TarMagic))
            return ImageFormat.Tar;
        var extension = Path.GetExtension(fileName);
        if (extension.Equals(".img", StringComparison.OrdinalIgnoreCase) || extension.Equals(".raw", StringComparison.OrdinalIgnoreCase))
            return ImageFormat.Raw;
        throw new UnknownImageFormatException(
            $"'{fileName}' is not a known image format: expected a qcow2 image (magic QFI\\xfb at offset 0), a tar archive " +
            $"('ustar' at offset 257) or a raw image named *.img or *.raw (got {head.Length} bytes starting {Preview(head)})");
    }

    private static string Preview(ReadOnlySpan<byte> head) =>
        head.IsEmpty ? "with nothing" : Convert.ToHexString(head[..Math.Min(8, head.Length)]);
}

/// <summary>Thrown when an image file is none of the formats of <see cref="ImageFormat"/>.</summary>
public sealed class UnknownImageFormatException(string message) : Exception(message);

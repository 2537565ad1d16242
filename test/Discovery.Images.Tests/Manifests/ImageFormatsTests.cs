namespace Discovery.Images.Tests.Manifests;

public sealed class ImageFormatsTests
{
    [Fact]
    public void Qcow2_is_recognised_by_its_magic_whatever_the_name()
    {
        byte[] head = [(byte)'Q', (byte)'F', (byte)'I', 0xfb, 0, 0, 0, 3];

        Assert.Equal(ImageFormat.Qcow2, ImageFormats.Detect(head, "disk.bin"));
    }

    [Fact]
    public void Tar_is_recognised_by_ustar_at_offset_257()
    {
        var head = new byte[512];
        "ustar"u8.CopyTo(head.AsSpan(257));

        Assert.Equal(ImageFormat.Tar, ImageFormats.Detect(head, "rootfs"));
    }

    [Theory]
    [InlineData("disk.img")]
    [InlineData("/var/images/DISK.RAW")]
    public void Raw_is_recognised_by_its_extension(string name)
    {
        Assert.Equal(ImageFormat.Raw, ImageFormats.Detect(new byte[512], name));
    }

    [Fact]
    public void An_unknown_format_names_the_file_and_what_was_expected()
    {
        var error = Assert.Throws<UnknownImageFormatException>(() => ImageFormats.Detect("PK\x03\x04"u8, "image.zip"));

        Assert.Contains("'image.zip'", error.Message);
        Assert.Contains("qcow2", error.Message);
        Assert.Contains("ustar", error.Message);
        Assert.Contains(".img", error.Message);
    }

    [Fact]
    public void A_head_too_short_for_the_tar_magic_is_not_tar()
    {
        Assert.Throws<UnknownImageFormatException>(() => ImageFormats.Detect(new byte[100], "short.tar"));
    }
}

namespace Discovery.Abstractions.Images;

/// <summary>A VM image known to the infrastructure, keyed by its name (e.g. <c>debian-12</c>).</summary>
[Alias("discovery.image")]
public interface IImageGrain : IGrainWithStringKey
{
    /// <summary>Records the image (idempotent for the same description).</summary>
    [Alias("register")]
    Task RegisterAsync(ImageInfo info);

    /// <summary>The image's description, or null when no image has this name.</summary>
    [Alias("info")]
    Task<ImageInfo?> GetInfoAsync();
}

/// <summary>What is known of an image.</summary>
/// <param name="SizeGiB">Its virtual disk size, the least disk a VM booting it needs.</param>
/// <param name="Description">A human description.</param>
[GenerateSerializer, Immutable, Alias("discovery.image-info")]
public sealed record ImageInfo([property: Id(0)] long SizeGiB, [property: Id(1)] string? Description = null);

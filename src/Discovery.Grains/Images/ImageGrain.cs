using Discovery.Abstractions.Images;

namespace Discovery.Grains.Images;

/// <summary>The record of one image. Its content (chunks and their replicas) comes with the image store.</summary>
public sealed class ImageGrain([PersistentState("image", StorageNames.State)] IPersistentState<ImageRecord> record) : Grain, IImageGrain
{
    /// <inheritdoc />
    public async Task RegisterAsync(ImageInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.SizeGiB < 1)
            throw new ArgumentException($"image {this.GetPrimaryKeyString()}: size must be at least 1 GiB (got {info.SizeGiB})", nameof(info));
        if (record.State.Info == info)
            return;
        record.State.Info = info;
        await record.WriteStateAsync();
    }

    /// <inheritdoc />
    public Task<ImageInfo?> GetInfoAsync() => Task.FromResult(record.State.Info);
}

/// <summary>The stored record of an image.</summary>
[GenerateSerializer, Alias("discovery.image-record")]
public sealed class ImageRecord
{
    /// <summary>Its description, null until registered.</summary>
    [Id(0)] public ImageInfo? Info { get; set; }
}

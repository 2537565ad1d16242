using Discovery.Abstractions.Images;

namespace Discovery.Grains.Images;

/// <summary>The names of the imported images, sorted.</summary>
public sealed class ImageDirectoryGrain(
    [PersistentState("image-directory", StorageNames.State)] IPersistentState<ImageDirectoryState> state) : Grain, IImageDirectoryGrain
{
    /// <inheritdoc />
    public async Task AddAsync(string image)
    {
        var at = state.State.Images.BinarySearch(image, StringComparer.Ordinal);
        if (at >= 0)
            return;
        state.State.Images.Insert(~at, image);
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task RemoveAsync(string image)
    {
        var at = state.State.Images.BinarySearch(image, StringComparer.Ordinal);
        if (at < 0)
            return;
        state.State.Images.RemoveAt(at);
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.Images.ToList());
}

/// <summary>The stored list of image names.</summary>
[GenerateSerializer, Alias("discovery.image-directory-state")]
public sealed class ImageDirectoryState
{
    /// <summary>Every imported image's name, in ordinal order.</summary>
    [Id(0)] public List<string> Images { get; set; } = [];
}

using Discovery.Abstractions.Images;
using Discovery.Abstractions.Security;

namespace Discovery.Grains.Images;

/// <summary>The names of the imported images, sorted.</summary>
public sealed class ImageDirectoryGrain(
    [PersistentState("image-directory", StorageNames.State)] IPersistentState<ImageDirectoryState> state) : Grain, IImageDirectoryGrain
{
    /// <inheritdoc />
    public async Task AddAsync(string image, string? owner = null)
    {
        var at = state.State.Images.BinarySearch(image, StringComparer.Ordinal);
        if (at >= 0 && state.State.Owners.GetValueOrDefault(image) == owner)
            return;
        if (at < 0)
            state.State.Images.Insert(~at, image);
        if (owner is null)
            state.State.Owners.Remove(image);
        else
            state.State.Owners[image] = owner;
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task RemoveAsync(string image)
    {
        var at = state.State.Images.BinarySearch(image, StringComparer.Ordinal);
        if (at < 0)
            return;
        state.State.Images.RemoveAt(at);
        state.State.Owners.Remove(image);
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(
        SecurityContext.Caller is { IsAdmin: false } tenant
            ? state.State.Images.Where(i => state.State.Owners.GetValueOrDefault(i) is not { } owner || tenant.MayActFor(owner)).ToList()
            : state.State.Images.ToList());
}

/// <summary>The stored list of image names.</summary>
[GenerateSerializer, Alias("discovery.image-directory-state")]
public sealed class ImageDirectoryState
{
    /// <summary>Every imported image's name, in ordinal order.</summary>
    [Id(0)] public List<string> Images { get; set; } = [];

    /// <summary>The owning tenant of each image that has one.</summary>
    [Id(1)] public Dictionary<string, string> Owners { get; set; } = [];
}

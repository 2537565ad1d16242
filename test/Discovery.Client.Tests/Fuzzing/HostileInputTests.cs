using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Client.Tests.Sdk;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Client.Tests.Fuzzing;

/// <summary>
/// Hostile input through the SDK, against the cluster: each is refused with an error naming the problem, and the
/// cluster stores nothing for it.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class HostileInputTests(SdkClusterFixture fixture)
{
    private readonly string _tenant = $"fz-{Guid.NewGuid():N}"[..11];

    public static TheoryData<string, string> HostileSpecs => new()
    {
        { "huge-count", "count must be between 1 and 1000" },
        { "negative-memory", "memory must be between" },
        { "too-many-vcpus", "vcpus must be between" },
        { "xml-in-name", "must be letters, digits" },
        { "unicode-name", "must be letters, digits" },
        { "path-in-image", "image name" },
        { "markup-location", "cannot name a site, region or node" },
        { "too-many-instances", "1000" },
        { "nan-point", "finite values" },
    };

    [Theory]
    [MemberData(nameof(HostileSpecs))]
    public async Task A_hostile_spec_is_refused_with_its_reason_and_nothing_is_stored(string name, string reason)
    {
        var ve = $"{_tenant}/{name}";

        var refused = await Assert.ThrowsAnyAsync<ArgumentException>(() => fixture.Sdk.VirtualEnvironments.CreateAsync(ve, Spec(name)));

        Assert.Contains(reason, refused.Message);
        await Assert.ThrowsAsync<NotFoundException>(() => fixture.Sdk.VirtualEnvironments.LocateAsync(ve));
        Assert.DoesNotContain(ve, (await fixture.Sdk.VirtualEnvironments.ListAsync(_tenant)).Ves);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-slash")]
    [InlineData("a/b/c")]
    [InlineData("../etc/passwd")]
    [InlineData("tenant/名前")]
    [InlineData("tenant/<script>")]
    [InlineData("tenant/a b")]
    public async Task A_hostile_ve_name_is_refused_before_any_call(string ve)
    {
        var refused = await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            fixture.Sdk.VirtualEnvironments.CreateAsync(ve, new VeSpec([new VmTemplate("web", 1, 512)])));

        Assert.False(string.IsNullOrWhiteSpace(refused.Message));
    }

    [Theory]
    [InlineData("")]
    [InlineData("web/../db")]
    [InlineData("<script>")]
    [InlineData("wéb")]
    public async Task A_hostile_vm_name_is_refused_before_any_call(string vm)
    {
        var refused = await Assert.ThrowsAnyAsync<ArgumentException>(() => fixture.Sdk.VirtualEnvironments.GetVmAsync($"{_tenant}/ve", vm));

        Assert.False(string.IsNullOrWhiteSpace(refused.Message));
    }

    [Fact]
    public async Task A_name_thousands_of_characters_long_is_refused()
    {
        var ve = $"{_tenant}/{new string('a', 10_000)}";

        await Assert.ThrowsAnyAsync<ArgumentException>(() => fixture.Sdk.VirtualEnvironments.CreateAsync(ve, new VeSpec([new VmTemplate("web", 1, 512)])));
    }

    private static VeSpec Spec(string name) => name switch
    {
        "huge-count" => new VeSpec([new VmTemplate("web", 1, 512, Count: int.MaxValue)]),
        "negative-memory" => new VeSpec([new VmTemplate("web", 1, -512)]),
        "too-many-vcpus" => new VeSpec([new VmTemplate("web", int.MaxValue, 512)]),
        "xml-in-name" => new VeSpec([new VmTemplate("web</name><devices>", 1, 512)]),
        "unicode-name" => new VeSpec([new VmTemplate("wéb\u202e", 1, 512)]),
        "path-in-image" => new VeSpec([new VmTemplate("web", 1, 512, Image: "../../etc/shadow")]),
        "markup-location" => new VeSpec([new VmTemplate("web", 1, 512)], [new Fence([], ["<script>alert(1)</script>"])]),
        "too-many-instances" => new VeSpec(Enumerable.Range(0, 3).Select(i => new VmTemplate($"vm{i}", 1, 512, Count: 900)).ToList()),
        "nan-point" => new VeSpec([new VmTemplate("web", 1, 512)], Near: Locality.NearCoordinate(new NodeCoordinate([double.NaN, 1], 0, 1))),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}

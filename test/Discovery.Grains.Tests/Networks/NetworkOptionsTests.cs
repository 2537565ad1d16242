using Discovery.Grains.Networks;
using Xunit;

namespace Discovery.Grains.Tests.Networks;

public sealed class NetworkOptionsTests
{
    [Fact]
    public void The_defaults_are_valid() => Assert.Null(new NetworkOptions().Validate());

    [Theory]
    [InlineData("10.128.0.1/12", 24, "host bits")]
    [InlineData("10.128.0.0/16", 8, "between 16 and 30")]
    [InlineData("a pool", 24, "not an IPv4 subnet")]
    public void A_pool_that_cannot_give_subnets_names_the_keys_and_why(string pool, int prefix, string why)
    {
        var problem = new NetworkOptions { TenantPool = pool, VePrefixLength = prefix }.Validate();
        Assert.NotNull(problem);
        Assert.Contains("TenantPool", problem);
        Assert.Contains(why, problem);
    }

    [Fact]
    public void A_vxlan_overlay_with_its_underlay_address_is_valid() =>
        Assert.Null(new NetworkOptions { AttachVms = true, Overlay = OverlayKind.Vxlan, OverlayLocalAddress = "10.98.0.11" }.Validate());

    [Theory]
    [InlineData(true, null, 4789, "OverlayLocalAddress is required")]
    [InlineData(true, "wan", 4789, "'wan' is not an IPv4 address")]
    [InlineData(true, "fe80::1", 4789, "not an IPv4 address")]
    [InlineData(true, "10.98.0.11", 0, "OverlayPort 0")]
    [InlineData(false, "10.98.0.11", 4789, "needs AttachVms=true")]
    public void A_vxlan_overlay_without_what_it_needs_names_the_key(bool attach, string? local, int port, string why)
    {
        var problem = new NetworkOptions { AttachVms = attach, Overlay = OverlayKind.Vxlan, OverlayLocalAddress = local, OverlayPort = port }.Validate();
        Assert.NotNull(problem);
        Assert.Contains(why, problem);
    }
}

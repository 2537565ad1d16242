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
}

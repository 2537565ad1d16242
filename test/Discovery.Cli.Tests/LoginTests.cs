using Discovery.Cli;
using Discovery.Client;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Cli.Tests;

/// <summary><c>discovery login</c> and the saved-credentials file.</summary>
[Collection(CliCollection.Name)]
public sealed class LoginTests(SdkClusterFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("discovery-login-").FullName;

    private string File => Path.Combine(_folder, "discovery", "credentials");

    private async Task<(int Exit, string Out, string Err, string? Credential)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        string? used = null;
        var exit = await CliApp.RunAsync(["--credentials", File, .. args], output, error, (c, _) =>
        {
            used = c.Credential;
            return Task.FromResult(DiscoveryClient.Attach(fixture.Client, credential: c.Credential));
        });
        return (exit, output.ToString(), error.ToString(), used);
    }

    [Fact]
    public async Task Login_saves_the_key_in_a_file_only_its_owner_can_read_and_later_commands_use_it()
    {
        var login = await RunAsync("login", "--key", "dsk_0123456789abcdef_secret");
        Assert.True(login.Exit == 0, login.Err);
        Assert.Contains("runs without security", login.Out);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(File));
        Assert.Contains("key = dsk_0123456789abcdef_secret", await System.IO.File.ReadAllTextAsync(File));

        var later = await RunAsync("whoami");
        Assert.Equal(0, later.Exit);
        Assert.Equal("dsk_0123456789abcdef_secret", later.Credential);

        Assert.Equal(0, (await RunAsync("logout")).Exit);
        Assert.Null((await RunAsync("whoami")).Credential);
    }

    [Fact]
    public async Task Login_without_a_key_is_a_usage_error()
    {
        var login = await RunAsync("login");
        Assert.Equal(CliApp.UsageError, login.Exit);
        Assert.Contains("login needs a credential", login.Err);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

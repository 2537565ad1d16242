using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Discovery.Emulate;

/// <summary>
/// A Linux TUN device opened by this process: IP packets routed to it by the kernel are read here, packets written here
/// are received by the kernel as if they came from a wire. The device lives as long as its file descriptor, so the
/// emulated WAN vanishes with the relay process (no leftover interface to clean up).
/// </summary>
internal sealed partial class TunDevice : IDisposable
{
    private const int OpenReadWrite = 2;
    private const uint TunSetInterface = 0x400454ca; // TUNSETIFF = _IOW('T', 202, int)
    private const short IffTun = 0x0001;
    private const short IffNoPacketInfo = 0x1000;
    private const int InterruptedCall = 4; // EINTR

    private readonly int _fd;

    private TunDevice(int fd, string name) => (_fd, Name) = (fd, name);

    /// <summary>The interface name the kernel gave the device, in the namespace that created it.</summary>
    public string Name { get; }

    /// <summary>Creates a TUN device named <paramref name="name"/> (at most 15 characters) in this process's network namespace.</summary>
    public static TunDevice Create(string name)
    {
        var fd = Open("/dev/net/tun", OpenReadWrite);
        if (fd < 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "cannot open /dev/net/tun (root and the tun module are needed)");
        // struct ifreq: char ifr_name[16]; short ifr_flags; padding to 40 bytes.
        var request = new byte[40];
        System.Text.Encoding.ASCII.GetBytes(name, 0, Math.Min(name.Length, 15), request, 0);
        BitConverter.TryWriteBytes(request.AsSpan(16), (short)(IffTun | IffNoPacketInfo));
        if (Ioctl(fd, TunSetInterface, request) < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            Close(fd);
            throw new Win32Exception(error, $"cannot create TUN device {name}");
        }
        return new TunDevice(fd, name);
    }

    /// <summary>Reads one packet into <paramref name="buffer"/>; blocks until there is one. Returns its length.</summary>
    public int Read(byte[] buffer)
    {
        while (true)
        {
            var n = ReadNative(_fd, buffer, buffer.Length);
            if (n >= 0)
                return (int)n;
            var error = Marshal.GetLastPInvokeError();
            if (error != InterruptedCall)
                throw new Win32Exception(error, $"read from {Name}");
        }
    }

    /// <summary>Hands one packet to the kernel, as received on this device.</summary>
    public void Write(byte[] packet)
    {
        // A full or downed device loses the packet, as a wire would: not an error worth stopping the relay for.
        _ = WriteNative(_fd, packet, packet.Length);
    }

    public void Dispose() => Close(_fd);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, byte[] argument);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadNative(int fd, [Out] byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteNative(int fd, byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}

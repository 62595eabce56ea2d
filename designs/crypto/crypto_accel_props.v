// Properties of the accelerator (designs/verilog/crypto/crypto_accel.v) over its
// three engines: every operation takes exactly the documented number of busy
// cycles (AES 12 encrypt / 22 decrypt, SHA-256 66, ChaCha20 82), so CYCLES
// reads that number after it; with -D BUG_ROUNDS (planted in each core) it does not.
// Read with -I designs/verilog/crypto (the accelerator includes ../aes/aes128.v).
// top: crypto_accel_timing_check

module crypto_accel_timing_check (
  input         clk,
  input         rst_n,
  input         bus_we,
  input  [7:0]  bus_waddr,
  input  [31:0] bus_wdata,
  input  [3:0]  bus_wstrb,
  input  [7:0]  bus_raddr,
  input         start
);
  wire [31:0] bus_rdata;
  wire busy, done, irq;
  crypto_accel u (.clk(clk), .rst_n(rst_n), .bus_we(bus_we), .bus_waddr(bus_waddr), .bus_wdata(bus_wdata),
                  .bus_wstrb(bus_wstrb), .bus_raddr(bus_raddr), .bus_rdata(bus_rdata), .start(start),
                  .busy(busy), .done(done), .irq(irq));

  wire [31:0] n_cycles = u.op_engine == 2'd0 ? (u.op_aes_dec ? 32'd22 : 32'd12)
                       : u.op_engine == 2'd1 ? 32'd66 : 32'd82;
  always @* begin
    if (rst_n && u.finish) assert(u.cycles + 32'd1 == n_cycles);
    if (rst_n && busy) assert(u.cycles < n_cycles);
  end
endmodule

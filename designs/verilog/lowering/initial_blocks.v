// Several initial blocks on the same variables. They all run at time 0 in
// source order (as Icarus runs them): a later block writes over an earlier
// one, partial writes combine, a declaration assignment comes first, and
// non-blocking assignments land after every block.
module initial_blocks (
  input clk,
  input [3:0] addr,
  input we,
  input [7:0] wdata,
  output [7:0] peek,
  output [7:0] rd,
  output reg [7:0] count,
  output [3:0] a_o,
  output [3:0] b_o,
  output [3:0] c_o,
  output [3:0] d_o,
  output [3:0] e_o
);
  reg [7:0] rom [0:15];     // constant: the file's words and two more from other blocks
  reg [7:0] ram [0:7];      // written by the clock too
  reg [3:0] a, b, c, d;
  reg [3:0] e = 4'h5;
  integer i;

  initial $readmemh("initial_blocks.hex", rom);   // words 0-5
  initial rom[7] = 8'h00;                         // the file's words stay
  initial begin rom[9] = 8'h0f; end
  initial rom[9][7] = 1'b1;                       // a bit of a word an earlier block set: 8'h8f

  initial for (i = 0; i < 8; i = i + 1) ram[i] = i * 8'h11;
  initial ram[3] = 8'h5a;                         // the same word again: the later block wins

  initial count[3:0] = 4'h0;                      // a register in two halves: 8'h30
  initial count[7:4] = 4'h3;                      // (yosys rejects two different values for one
                                                  // flip-flop bit: 'Conflicting initialization values')

  initial a = 4'd1;
  initial b = 4'd2;                               // two variables, two blocks
  initial begin a[3:2] = 2'b11; end               // 4'b1101
  initial b = 4'd9;                               // the same variable twice: the later block wins
  initial e[0] = 1'b0;                            // over the declaration assignment: 4'h4
  initial c[1:0] = 2'b01;
  initial c[3:2] <= 2'b10;                        // non-blocking, other bits: 4'b1001
  initial d = e + a;                              // values earlier blocks set: 4 + 13 = 4'h1

  assign peek = rom[addr];
  assign rd = ram[addr[2:0]];
  assign a_o = a;
  assign b_o = b;
  assign c_o = c;
  assign d_o = d;
  assign e_o = e;

  always @(posedge clk) begin
    count <= count + 8'd1;
    if (we) ram[addr[2:0]] <= wdata;
  end
endmodule

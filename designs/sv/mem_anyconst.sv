// expect: pass
// cover: 1
// A small RAM: a write to an arbitrary fixed address ($anyconst) is read back
// until the next write to that address. Memory as an array, $anyconst, $past.
module mem_anyconst (
    input  logic       clk,
    input  logic       we,
    input  logic [2:0] waddr,
    input  logic [7:0] wdata,
    input  logic [2:0] raddr,
    output logic [7:0] rdata
);
    logic [7:0] mem [0:7];
    always_ff @(posedge clk) if (we) mem[waddr] <= wdata;
    assign rdata = mem[raddr];

`ifdef FORMAL
    (* anyconst *) logic [2:0] addr;
    logic       valid = 1'b0;
    logic [7:0] shadow;
    always_ff @(posedge clk) begin
        if (we && waddr == addr) begin
            valid  <= 1'b1;
            shadow <= wdata;
        end
    end
    always_comb if (valid) assert (mem[addr] == shadow);
    always_comb if (valid && raddr == addr) assert (rdata == shadow);
    always_comb cover (valid && raddr == addr && rdata == 8'hA5);
`endif
endmodule
